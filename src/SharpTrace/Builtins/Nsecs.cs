using SharpTrace.CodeGen;
using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Nsecs))]

namespace SharpTrace.Builtins;

/// <summary><c>nsecs</c>: nanoseconds since boot (CLOCK_MONOTONIC).</summary>
internal sealed class Nsecs : BuiltinVariable
{
    public override string Name => "nsecs";
    public override BpfType Type => BpfType.UInt64;

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Call(HelperFunction.KtimeGetNs);
}
