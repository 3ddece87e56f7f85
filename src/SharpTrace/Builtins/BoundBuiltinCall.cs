using SharpTrace.CodeGen;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Builtins;

/// <summary>
/// A call of a builtin function that yields an integer (<c>has_key</c>, <c>len</c>): the bound node carries its own
/// lowering, so adding such a function touches its own file and one line of the binder.
/// </summary>
internal abstract record BoundBuiltinCall(TextSpan Span, BpfType Type) : BoundExpression(Span, Type)
{
    /// <summary>Emits code that leaves the call's value in r0.</summary>
    internal abstract void EmitScalar(ProbeEmitter emitter);
}
