using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Builtins;

/// <summary>
/// A call of a builtin function (<c>has_key</c>, <c>len</c>, <c>ksym</c>): the bound node carries its own lowering to
/// IR, in the builtin's file.
/// </summary>
internal abstract record BoundBuiltinCall(TextSpan Span, BpfType Type) : BoundCall(Span, Type)
{
    /// <summary>The call's integer value in IR; null when the call has no integer value (the probe then fails to compile, naming it).</summary>
    internal virtual Lowering.Operand? Lower(Lowering.ProbeLowerer lowering) => null;

    /// <summary>
    /// Writes the call's value (not an integer) into <paramref name="size"/> bytes of <paramref name="slot"/> at
    /// <paramref name="offset"/> in IR; false when the call is not lowered yet.
    /// </summary>
    internal virtual bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size) => false;

    /// <summary>Lowers a call that has no value (<c>time()</c>), used as a statement, to IR; false when it does not lower yet.</summary>
    internal virtual bool LowerStatement(Lowering.ProbeLowerer lowering) => false;
}
