using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(AssertStr))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>assert_str(e)</c>: a compile-time check that <c>e</c> is string-like, as the reference's string helpers require
/// of their arguments: a string, or an array or pointer of <c>int8</c> (C's <c>char</c>). Anything else stops the
/// compilation with the reference's messages (its <c>fail</c> and <c>static_assert</c> texts). <c>e</c> is bound for
/// its type, never evaluated; a passing check leaves no code.
/// </summary>
internal sealed class AssertStr : StdlibMacro
{
    public override string Name => "assert_str";

    public override bool IsStatement => true;

    protected override int ParameterCount => 1;

    protected override BoundExpression BindMacro(CallExpression call, BuiltinContext context)
    {
        var argument = context.Bind(call.Arguments[0]);
        var problem = argument.Type switch
        {
            ErrorType => "",
            StringType => null,
            CValueType { CType.Resolved: CArrayType array } => IsChar(array.Element) ? null : "string-like arrays must contain a char-like type",
            PointerType pointer => IsChar(pointer.Target) ? null : "string-like pointers must point to a char-like type",
            _ => "string-like values must be either strings, arrays or pointers",
        };
        if (problem is null)
            return CompileTime.Nothing(call.Span);
        if (problem.Length > 0)
            context.Diagnostics.Error(call.Span, problem);
        return context.Error(call.Span);
    }

    // The reference compares the element's type with int8's: C's char (signed on the machines it runs on) is int8.
    private static bool IsChar(CType type) => type.Resolved is CIntegerType { Size: 1 } integer && (integer.IsSigned || integer.Name == "char");
}
