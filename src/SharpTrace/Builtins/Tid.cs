using SharpTrace.CodeGen;
using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.Builtins;

/// <summary><c>tid</c>: the thread id of the current task.</summary>
internal sealed class Tid : BuiltinVariable
{
    public override string Name => "tid";
    public override BpfType Type => BpfType.UInt32;

    internal override void EmitScalar(ProbeEmitter emitter)
    {
        emitter.Asm.Call(HelperFunction.GetCurrentPidTgid);
        emitter.ZeroExtend32(Reg.R0);
    }
}
