using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(LeaderTid))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>leader_tid</c>, <c>leader_tid()</c> and <c>leader_tid(task)</c>: the thread id of the task's thread group leader
/// (the current task's when none is given), <c>task->group_leader->pid</c> through the kernel's BTF, which is the
/// process's pid. A uint32 as <c>tid</c> is (the reference's table says "string", its macro gives the kernel's
/// <c>pid_t</c>; the number is the same).
/// </summary>
internal sealed class LeaderTid : BuiltinFunction
{
    public override string Name => "leader_tid";
    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context) =>
        context.Bind(TaskMember.Cast(call, "uint32", TaskMember.Of(call, "group_leader", "pid")));
}
