using SharpTrace.CodeGen;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Builtins;

/// <summary>
/// A call of a builtin function (<c>has_key</c>, <c>len</c>, <c>ksym</c>) that the previous emitter emits from the
/// bound tree: the bound node carries its own code, in the builtin's file.
/// </summary>
internal abstract record BoundBuiltinCall(TextSpan Span, BpfType Type) : BoundCall(Span, Type)
{
    /// <summary>The call's integer value in IR; null when the call does not lower yet (the probe goes through the previous emitter).</summary>
    internal virtual Lowering.Operand? Lower(Lowering.ProbeLowerer lowering) => null;

    /// <summary>Emits code that leaves the call's value in r0.</summary>
    internal abstract void EmitScalar(ProbeEmitter emitter);

    /// <summary>Emits code that writes the call's value into the stack buffer at <paramref name="frameOffset"/> (calls whose value is not an integer).</summary>
    internal virtual void EmitInto(ProbeEmitter emitter, int frameOffset) =>
        throw new InvalidOperationException($"{GetType().Name} is not a buffer");

    /// <summary>
    /// Writes the call's value (not an integer) into <paramref name="size"/> bytes of <paramref name="slot"/> at
    /// <paramref name="offset"/> in IR; false when the call is not lowered yet.
    /// </summary>
    internal virtual bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size) => false;

    /// <summary>Lowers a call that has no value (<c>time()</c>), used as a statement, to IR; false when it does not lower yet.</summary>
    internal virtual bool LowerStatement(Lowering.ProbeLowerer lowering) => false;

    /// <summary>Emits a call that has no value (<c>time()</c>), used as a statement.</summary>
    internal virtual void EmitStatement(ProbeEmitter emitter) =>
        throw new InvalidOperationException($"{GetType().Name} has a value");
}
