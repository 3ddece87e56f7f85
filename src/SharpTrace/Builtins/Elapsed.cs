using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Elapsed))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>elapsed</c>: nanoseconds since the program started. User space writes the monotonic time into a one-value
/// array just before attaching the probes (as bpftrace does); the probe subtracts it from bpf_ktime_get_ns.
/// </summary>
internal sealed class Elapsed : BuiltinVariable
{
    public override string Name => "elapsed";
    public override BpfType Type => BpfType.UInt64;

    // The start time is read through the map value's address, a constant: no lookup.
    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var ir = lowering.Ir;
        var now = ir.Call(HelperFunction.KtimeGetNs);
        var start = ir.InRegister(new MapValueAddress(lowering.StartTimeMap));
        return ir.Binary(IrBinaryOp.Sub, now, ir.Load(new PointerAddress(start), IrInt.U64));
    }
}
