using SharpTrace.CodeGen;
using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Pid))]

namespace SharpTrace.Builtins;

/// <summary><c>pid</c>: the process id (thread group id) of the current task.</summary>
internal sealed class Pid : BuiltinVariable
{
    public override string Name => "pid";
    public override BpfType Type => BpfType.UInt32;

    internal override Operand? Lower(ProbeLowerer lowering) =>
        lowering.Ir.Binary(IrBinaryOp.Shr, lowering.Ir.Call(HelperFunction.GetCurrentPidTgid), new Imm(32));
}
