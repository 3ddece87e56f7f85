using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>Block expressions: an expanded macro call's statements, then its value.</summary>
internal sealed partial class ExpressionBinder
{
    private BoundExpression BindBlockExpression(BlockExpression block)
    {
        var statements = block.Statements.Select(_bindStatement).OfType<BoundStatement>().ToList();
        var value = block.Value is null ? null : BindExpression(block.Value);
        if (value?.Type is ErrorType)
            return value;
        return new BoundBlockExpression(block.Span, statements, value);
    }
}
