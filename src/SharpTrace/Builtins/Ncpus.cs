using SharpTrace.Kernel;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Ncpus))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>ncpus</c>: the number of possible CPUs (<c>/sys/devices/system/cpu/possible</c>), as bpftrace counts them; a
/// constant of the machine the program is compiled on.
/// </summary>
internal sealed class Ncpus : BuiltinVariable
{
    public override string Name => "ncpus";
    public override BpfType Type => BpfType.UInt64;

    internal override Operand? Lower(ProbeLowerer lowering) => new Imm(BpfMap.PossibleCpuCount);
}
