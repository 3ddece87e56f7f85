using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Numaid))]

namespace SharpTrace.Builtins;

/// <summary><c>numaid</c>: the NUMA node of the CPU running the probe (bpf_get_numa_node_id), a uint32.</summary>
internal sealed class Numaid : BuiltinVariable
{
    public override string Name => "numaid";
    public override BpfType Type => BpfType.UInt32;

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Call(HelperFunction.GetNumaNodeId);
}
