using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Gid))]

namespace SharpTrace.Builtins;

/// <summary><c>gid</c>: the group id of the current task.</summary>
internal sealed class Gid : BuiltinVariable
{
    public override string Name => "gid";
    public override BpfType Type => BpfType.UInt32;

    internal override Operand? Lower(ProbeLowerer lowering) =>
        lowering.Ir.Binary(IrBinaryOp.Shr, lowering.Ir.Call(HelperFunction.GetCurrentUidGid), new Imm(32));
}
