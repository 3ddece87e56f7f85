using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Strcap))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>strcap(s)</c>: the capacity of a string-like value, an int64, as the newest bpftrace's string library defines it:
/// a string's size (its NUL included: <c>strcap("abc")</c> is 4, <c>strcap(comm)</c> 16), an array's length (both
/// constants), and for a pointer the length of the string it points to (<c>strlen</c>, read at run time).
/// </summary>
internal sealed class Strcap : BuiltinFunction
{
    public override string Name => "strcap";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Any);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var text = arguments[0]!;
        var span = call.Span;
        switch (StringLike.Check(text, span, context))
        {
            case StringLikeKind.String:
                return new BoundIntegerLiteral(span, text.Type.Size, BpfType.Int64);
            case StringLikeKind.Array:
                return new BoundIntegerLiteral(span, ((CArrayType)((CValueType)text.Type).CType.Resolved).Count, BpfType.Int64);
            case StringLikeKind.Pointer:
                return context.Bind(new CastExpression(span, new TypeSyntax(span, "int64", 0, null),
                    new CallExpression(span, "strlen", call.NameSpan, [call.Arguments[0]])));
            default:
                return context.Error(span);
        }
    }
}
