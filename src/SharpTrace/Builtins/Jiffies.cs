using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Jiffies))]

namespace SharpTrace.Builtins;

/// <summary><c>jiffies</c>: the kernel's 64-bit tick counter (bpf_jiffies64), a uint64.</summary>
internal sealed class Jiffies : BuiltinVariable
{
    public override string Name => "jiffies";
    public override BpfType Type => BpfType.UInt64;

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Call(HelperFunction.Jiffies64);
}
