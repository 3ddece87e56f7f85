using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Comm))]

namespace SharpTrace.Builtins;

/// <summary><c>comm</c>: the name of the current task, up to 16 bytes.</summary>
internal sealed class Comm : BuiltinVariable
{
    public const int Length = 16;

    public override string Name => "comm";
    public override BpfType Type { get; } = new StringType(Length);

    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        lowering.Ir.CallVoid(HelperFunction.GetCurrentComm, new StackAddress(slot, offset), new Imm(Math.Min(size, Length)));
        return true;
    }
}
