using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Cpu))]

namespace SharpTrace.Builtins;

/// <summary><c>cpu</c>: the CPU the probe runs on.</summary>
internal sealed class Cpu : BuiltinVariable
{
    public override string Name => "cpu";
    public override BpfType Type => BpfType.UInt32;

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Call(HelperFunction.GetSmpProcessorId);
}
