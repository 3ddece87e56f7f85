namespace SharpTrace.Syntax.Ast;

/// <summary>Base of every syntax node. Nodes are immutable and know their span in the source.</summary>
internal abstract record Node(TextSpan Span);

/// <summary>A whole script.</summary>
internal sealed record ProgramNode(
    TextSpan Span,
    IReadOnlyList<PreprocessorLine> Preprocessor,
    IReadOnlyList<CDefinition> CDefinitions,
    ConfigBlock? Config,
    IReadOnlyList<MapDeclaration> MapDeclarations,
    IReadOnlyList<MacroDefinition> Macros,
    IReadOnlyList<Probe> Probes) : Node(Span)
{
    /// <summary>The root's <c>import "path";</c> directives, resolved before binding (Semantics/Imports).</summary>
    public IReadOnlyList<ImportDirective> Imports { get; init; } = [];

    /// <summary>Every top-level item in the order the script writes them (a <c>#ifndef</c> around a struct stays around it).</summary>
    public IEnumerable<Node> ItemsInWrittenOrder()
    {
        var items = new List<Node>();
        items.AddRange(Preprocessor);
        items.AddRange(CDefinitions);
        items.AddRange(Imports);
        if (Config != null)
            items.Add(Config);
        items.AddRange(MapDeclarations);
        items.AddRange(Macros);
        items.AddRange(Probes);
        return items.OrderBy(item => item.Span.Start);
    }
}

/// <summary><c>import "path";</c> at the root of a script.</summary>
internal sealed record ImportDirective(TextSpan Span, string Path) : Node(Span);

/// <summary><c>#include &lt;x.h&gt;</c> or <c>#define NAME value</c>, kept as text.</summary>
internal sealed record PreprocessorLine(TextSpan Span, string Text) : Node(Span);

/// <summary>A C <c>struct</c>/<c>union</c>/<c>enum</c> definition, kept as text for the C declaration parser.</summary>
internal sealed record CDefinition(TextSpan Span, string Text) : Node(Span);

/// <summary><c>config = { key = value; ... }</c>.</summary>
internal sealed record ConfigBlock(TextSpan Span, IReadOnlyList<ConfigEntry> Entries) : Node(Span);

/// <summary>One <c>key = value</c> of the config block; the value is an integer, string or identifier literal.</summary>
internal sealed record ConfigEntry(TextSpan Span, string Key, Expression Value) : Node(Span);

/// <summary>Top-level <c>let @m = hash(N);</c>.</summary>
internal sealed record MapDeclaration(TextSpan Span, string MapName, string Kind, Expression? MaxEntries) : Node(Span);

/// <summary>
/// <c>macro name($a, @b, c) { ... }</c>: parameters are <c>$variables</c>, <c>@maps</c> or identifiers (an
/// expression). <see cref="HasValue"/> when the body's last statement is an expression without a <c>;</c>: the value
/// of a call. <see cref="NameSpan"/> covers <c>macro name</c>, where bpftrace points at a definition.
/// </summary>
internal sealed record MacroDefinition(TextSpan Span, string Name, IReadOnlyList<string> Parameters, Block Body) : Node(Span)
{
    public TextSpan NameSpan { get; init; } = Span;
    public IReadOnlyList<TextSpan> ParameterSpans { get; init; } = [];
    public bool HasValue { get; init; }
}

/// <summary>One probe: attach points, optional predicate, body.</summary>
internal sealed record Probe(TextSpan Span, IReadOnlyList<AttachPoint> AttachPoints, Expression? Predicate, Block Body) : Node(Span);

/// <summary>
/// An attach point as written, e.g. <c>tracepoint:syscalls:sys_enter_openat</c>.
/// <see cref="Provider"/> is the first part as written (aliases are resolved by the semantic stage);
/// <see cref="Parts"/> are the remaining colon-separated parts, unquoted. <c>BEGIN</c> has provider "BEGIN" and no parts.
/// <see cref="Name"/> is the optional <c>name=</c> written before the provider (reserved by bpftrace, unused).
/// </summary>
internal sealed record AttachPoint(TextSpan Span, string Raw, string Provider, IReadOnlyList<string> Parts, string? Name = null) : Node(Span);
