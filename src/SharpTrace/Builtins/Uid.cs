using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Uid))]

namespace SharpTrace.Builtins;

/// <summary><c>uid</c>: the user id of the current task.</summary>
internal sealed class Uid : BuiltinVariable
{
    public override string Name => "uid";
    public override BpfType Type => BpfType.UInt32;

    internal override Operand? Lower(ProbeLowerer lowering) =>
        lowering.Ir.Binary(IrBinaryOp.Shr, lowering.Ir.Binary(IrBinaryOp.Shl, lowering.Ir.Call(HelperFunction.GetCurrentUidGid), new Imm(32)), new Imm(32));
}
