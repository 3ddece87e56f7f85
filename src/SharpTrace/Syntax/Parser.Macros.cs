using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

// Macro definitions (expanded before binding by Semantics/MacroExpansion).
internal sealed partial class Parser
{
    /// <summary><c>macro name($a, @b, c) { ... }</c></summary>
    private MacroDefinition ParseMacro()
    {
        var start = Take().Span.Start;
        var name = Take();
        var nameSpan = TextSpan.FromBounds(start, name.Span.End);
        Expect(TokenKind.OpenParen);
        var parameters = new List<string>();
        var spans = new List<TextSpan>();
        if (Current.Kind != TokenKind.CloseParen)
        {
            while (true)
            {
                if (Current.Kind is not (TokenKind.Variable or TokenKind.Map or TokenKind.Identifier))
                    throw Unexpected("variable", "map", "identifier");
                var parameter = Take();
                parameters.Add(parameter.Text);
                spans.Add(parameter.Span);
                if (Current.Kind == TokenKind.CloseParen)
                    break;
                if (Current.Kind != TokenKind.Comma)
                    throw Unexpected(")", "\",\"");
                Take();
            }
        }
        Take();
        var body = ParseBlock();
        return new MacroDefinition(SpanFrom(start), name.Text, parameters, body)
        {
            NameSpan = nameSpan,
            ParameterSpans = spans,
            HasValue = body.Statements.Count > 0 && body.Statements[^1] is ExpressionStatement last && !FollowedBySemicolon(last.Span.End),
        };
    }

    // Whether a `;` comes after the position, comments and white space aside: `{ x + 1 }` has a value, `{ f(); }` none.
    private bool FollowedBySemicolon(int position)
    {
        var next = _lexer.SkipTrivia(position, new DiagnosticBag(_source));
        return next < _source.Length && _source[next] == ';';
    }
}
