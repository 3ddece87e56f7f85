using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Curtask))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>curtask</c>: the current task's <c>struct task_struct</c> in kernel memory. A pointer to that struct when the
/// kernel has BTF (so <c>curtask->comm</c> works), a plain 64-bit address otherwise.
/// </summary>
internal sealed class Curtask : BuiltinVariable
{
    public override string Name => "curtask";
    public override BpfType Type => BpfType.UInt64;

    public override BpfType TypeIn(CTypeTable types) =>
        types.FindTagged("struct", "task_struct") is { } task ? new PointerType(task, IsUserSpace: false) : Type;

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Call(HelperFunction.GetCurrentTask);
}
