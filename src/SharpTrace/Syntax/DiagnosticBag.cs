namespace SharpTrace.Syntax;

/// <summary>
/// Collects diagnostics. Every message's wording lives in a method named after the problem,
/// so the wording is in one place and tests can name the problem.
/// </summary>
internal sealed partial class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public DiagnosticBag(SourceText source) => Source = source;

    public SourceText Source { get; }
    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Any(d => d.IsError);
    public int ErrorCount => _items.Count(d => d.IsError);

    /// <summary>Drops what was reported after the first <paramref name="count"/> diagnostics (an attempt that is redone).</summary>
    public void TruncateTo(int count) => _items.RemoveRange(count, _items.Count - count);

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
        Error(span, $"{function}() requires {expected switch { 0 => "no arguments", 1 => "one argument", _ => $"{expected} arguments" }} ({actual} provided)");
    /// <summary>
    /// The newest bpftrace's words for a map given a value its type can't take (count() into an int8 map, a string into
    /// an integer map; 0.17: "already contains a value of type").
    /// </summary>
    public void ReportMapValueTypeMismatch(TextSpan span, string map, string assigned, string existing) =>
        Error(span, $"Type mismatch for {map}: trying to assign value of type '{assigned}' when map already has a type '{existing}'");
    public void ReportNotAllowedInProbe(TextSpan span, string what, string probeKind) =>
        Error(span, $"{what} can not be used with \"{probeKind}\" probes");
    public void ReportBuiltinOnlyIn(TextSpan span, string builtin, string probes, string hint) =>
        Error(span, $"The {builtin} builtin can only be used with {probes} probes{hint}");
    public void ReportUnknownTracepointField(TextSpan span, string tracepoint, string field) =>
        Error(span, $"Struct/union of type 'struct _tracepoint_{tracepoint}' does not contain a field named '{field}'");
    public void ReportUnrollCountTooSmall(TextSpan span) => Error(span, "unroll minimum value is 1");
    public void ReportUnrollCountTooLarge(TextSpan span, int maximum) => Error(span, $"unroll maximum value is {maximum}");
    public void ReportUnsupported(TextSpan span, string what) => Error(span, $"{what} is not supported yet");

    // Syntax problems, worded as bpftrace's lexer and parser word them.
    public void ReportUnexpectedToken(TextSpan span, string actual, IReadOnlyList<string> expected) =>
        Error(span, expected.Count == 0
            ? $"syntax error, unexpected {actual}"
            : $"syntax error, unexpected {actual}, expecting {string.Join(" or ", expected)}");
    // The newest bpftrace's hand-written parser; 0.17's grammar said "unexpected X, expecting }".
    public void ReportMissingSemicolon(TextSpan span) => Error(span, "syntax: expected ';'");
    public void ReportMissingProbeBody(TextSpan span) => Error(span, "unexpected end of file, expected {");
    public void ReportNoAttachPoints(TextSpan span) => Error(span, "No attach points for probe");
    public void ReportInvalidCharacter(TextSpan span, string character) => Error(span, $"invalid character '{character}'");
    public void ReportUnterminatedString(TextSpan span) => Error(span, "unterminated string");
    public void ReportInvalidEscape(TextSpan span, string escape) => Error(span, $"invalid escape character '{escape}'");
    public void ReportUnterminatedComment(TextSpan span) => Error(span, "end of file during comment");
    public void ReportInvalidInteger(TextSpan span, string text) => Error(span, $"invalid integer literal: {text}");
    // The newest bpftrace's int_parser.cpp words it so, behind its parser's "syntax: ".
    public void ReportIntegerOutOfRange(TextSpan span, string text) =>
        Error(span, $"syntax: overflow error, maximum value is {ulong.MaxValue}: {text}");
    public void ReportInvalidPositionalParameter(TextSpan span, string text) =>
        Error(span, $"param {text} is out of integer range [1, {int.MaxValue}]");
    public void ReportInvalidIncrementTarget(TextSpan span, string op) =>
        Error(span, $"The {op} operator must be applied to a map or variable");
    public void ReportUnterminatedCDefinition(TextSpan span, string keyword) => Error(span, $"unterminated {keyword} definition");
    public void ReportDuplicateConfigBlock(TextSpan span) => Error(span, "Only one config block is allowed");
    public void ReportNestedTooDeeply(TextSpan span) => Error(span, "syntax error, program is nested too deeply");
}
