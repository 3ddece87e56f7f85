using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

// Root imports (resolved before binding by Semantics/Imports).
internal sealed partial class Parser
{
    /// <summary><c>import "path";</c>, which bpftrace accepts only before probes, macros and map declarations.</summary>
    private void ParseImport(List<ImportDirective> imports, bool afterDefinitions)
    {
        var start = Take().Span.Start;
        var path = (string)Take().Value!;
        var span = SpanFrom(start);
        Expect(TokenKind.Semicolon);
        if (afterDefinitions)
            _diagnostics.ReportImportAfterDefinitions(span);
        else
            imports.Add(new ImportDirective(span, path));
    }
}
