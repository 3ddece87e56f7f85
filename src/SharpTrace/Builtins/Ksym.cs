using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Ksym))]

namespace SharpTrace.Builtins;

/// <summary><c>ksym(addr)</c>: the name of the kernel symbol holding an address, resolved in user space (without offset, as bpftrace prints it).</summary>
internal sealed class Ksym() : UnaryFunction("ksym", ParameterKind.IntegerOrPointer)
{
    protected override BoundExpression Bind(TextSpan span, BoundExpression argument) =>
        new BoundKsym(span, argument);
}

/// <summary>A bound <c>ksym(addr)</c>: the 8-byte address, named when printed.</summary>
internal sealed record BoundKsym(TextSpan Span, BoundExpression Address) : BoundBuiltinCall(Span, KernelSymbolType.Instance)
{
    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        lowering.Ir.Store(new SlotAddress(slot, offset), 8, lowering.LowerScalar(Address));
        return true;
    }
}
