using SharpTrace.CodeGen;
using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Tid))]

namespace SharpTrace.Builtins;

/// <summary><c>tid</c>: the thread id of the current task.</summary>
internal sealed class Tid : BuiltinVariable
{
    public override string Name => "tid";
    public override BpfType Type => BpfType.UInt32;

    internal override Operand? Lower(ProbeLowerer lowering) =>
        lowering.Ir.Binary(IrBinaryOp.Shr, lowering.Ir.Binary(IrBinaryOp.Shl, lowering.Ir.Call(HelperFunction.GetCurrentPidTgid), new Imm(32)), new Imm(32));
}
