using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Cgroup))]

namespace SharpTrace.Builtins;

/// <summary><c>cgroup</c>: the cgroup v2 id of the current task.</summary>
internal sealed class Cgroup : BuiltinVariable
{
    public override string Name => "cgroup";
    public override BpfType Type => BpfType.UInt64;

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Call(HelperFunction.GetCurrentCgroupId);
}
