using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(LeaderComm))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>leader_comm</c>, <c>leader_comm()</c> and <c>leader_comm(task)</c>: the name of the task's thread group leader
/// (the current task's when none is given), <c>task->group_leader->comm</c> read through the kernel's BTF, as the
/// newest bpftrace defines it; unlike <c>pcomm</c> (the parent process's), a thread that renamed itself still sees its
/// process's name here.
/// </summary>
internal sealed class LeaderComm : BuiltinFunction
{
    public override string Name => "leader_comm";
    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context) =>
        context.Bind(TaskMember.Of(call, "group_leader", "comm"));
}
