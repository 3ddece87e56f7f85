using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

/// <summary>A parsed script: its text, its syntax tree and the problems found while parsing.</summary>
internal sealed record SyntaxTree(SourceText Source, ProgramNode Root, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Parses a script. Never throws: every problem becomes a diagnostic.</summary>
    public static SyntaxTree Parse(SourceText source)
    {
        var diagnostics = new DiagnosticBag(source);
        var root = new Parser(source, diagnostics).ParseProgram();
        // Lexical errors surface when their token is consumed; report everything in text order.
        return new SyntaxTree(source, root, diagnostics.Items.OrderBy(d => d.Span.Start).ToArray());
    }

    /// <summary>Parses a script given as text (named "stdin" in diagnostics, as for <c>-e</c>).</summary>
    public static SyntaxTree Parse(string text) => Parse(new SourceText(text));
}
