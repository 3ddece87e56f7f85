namespace SharpTrace.Syntax;

/// <summary>
/// Collects diagnostics. Every message's wording lives in a method named after the problem,
/// so the wording is in one place and tests can name the problem.
/// </summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public DiagnosticBag(SourceText source) => Source = source;

    public SourceText Source { get; }
    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Any(d => d.IsError);

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    public void Error(TextSpan span, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Error, Source, span, message));

    public void Warning(TextSpan span, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Warning, Source, span, message));

    // Semantic problems. The parser's own problems are reported through the same bag.
    public void ReportUnknownFunction(TextSpan span, string name) => Error(span, $"Unknown function: {name}");
    public void ReportUnknownIdentifier(TextSpan span, string name) => Error(span, $"Unknown identifier: '{name}'");
    public void ReportUndefinedVariable(TextSpan span, string name) => Error(span, $"Undefined or undeclared variable: {name}");
    public void ReportWrongArgumentCount(TextSpan span, string function, int expected, int actual) =>
        Error(span, $"{function}() requires {expected} argument{(expected == 1 ? "" : "s")} ({actual} provided)");
    public void ReportMapTypeMismatch(TextSpan span, string map, string assigned, string existing) =>
        Error(span, $"Type mismatch for {map}: trying to assign value of type '{assigned}' when map already contains a value of type '{existing}'");
    public void ReportNotAllowedInProbe(TextSpan span, string what, string probeKind) =>
        Error(span, $"{what} can not be used with \"{probeKind}\" probes");
    public void ReportUnknownTracepointField(TextSpan span, string tracepoint, string field) =>
        Error(span, $"Struct/union of type 'struct {tracepoint}_args' does not contain a field named '{field}'");
    public void ReportUnsupported(TextSpan span, string what) => Error(span, $"{what} is not supported yet");
}
