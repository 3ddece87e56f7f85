using SharpTrace.CodeGen;
using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.Builtins;

/// <summary><c>uid</c>: the user id of the current task.</summary>
internal sealed class Uid : BuiltinVariable
{
    public override string Name => "uid";
    public override BpfType Type => BpfType.UInt32;

    internal override void EmitScalar(ProbeEmitter emitter)
    {
        emitter.Asm.Call(HelperFunction.GetCurrentUidGid);
        emitter.ZeroExtend32(Reg.R0);
    }
}
