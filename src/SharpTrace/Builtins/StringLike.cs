using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary>
/// The newest bpftrace's "string-like" values, which its string library (strlen, strcap, strstr, str_concat) takes:
/// a string, an array of 1-byte integers, or a pointer to 1-byte integers; anything else is its static_assert's error.
/// </summary>
internal static class StringLike
{
    /// <summary>What kind of string-like value <paramref name="value"/> is; null after reporting why it is none.</summary>
    public static StringLikeKind? Check(BoundExpression value, Syntax.TextSpan span, BuiltinContext context)
    {
        switch (value.Type)
        {
            case StringType:
                return StringLikeKind.String;
            case CValueType { CType.Resolved: CArrayType { Element.Resolved: CIntegerType { Size: 1 } } }:
                return StringLikeKind.Array;
            case PointerType { Target.Resolved: CIntegerType { Size: 1 } }:
                return StringLikeKind.Pointer;
            case PointerType or CValueType { CType.Resolved: CArrayType }:
                context.Diagnostics.Error(span, value.Type is PointerType
                    ? "string-like pointers must point to a char-like type"
                    : "string-like arrays must contain a char-like type");
                return null;
            default:
                context.Diagnostics.Error(span, "string-like values must be either strings, arrays or pointers");
                return null;
        }
    }

    /// <summary>
    /// The value as bytes on the stack: strings and arrays as they are, a pointer's string read through it
    /// (<c>str(p)</c>, up to <c>max_strlen</c> bytes), so searches and concatenation see the text it points to.
    /// </summary>
    public static BoundExpression? AsValue(Expression syntax, Syntax.TextSpan span, BuiltinContext context)
    {
        var bound = context.Bind(syntax);
        if (bound.Type is ErrorType)
            return null;
        return Check(bound, span, context) switch
        {
            null => null,
            StringLikeKind.Pointer => context.Bind(new CallExpression(syntax.Span, "str", syntax.Span, [syntax])),
            _ => bound,
        };
    }
}

internal enum StringLikeKind
{
    String,
    Array,
    Pointer,
}
