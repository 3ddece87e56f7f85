using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Ppid))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>ppid</c>, <c>ppid()</c> and <c>ppid(task)</c>: the pid of the task's parent process (the current task's when none
/// is given), <c>task->real_parent->pid</c> read through the kernel's BTF, a uint32 as the newest bpftrace's reference
/// types it (the kernel's <c>pid_t</c> is signed; a pid is never negative, so the value is the same).
/// </summary>
internal sealed class Ppid : BuiltinFunction
{
    public override string Name => "ppid";
    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context) =>
        context.Bind(TaskMember.Cast(call, "uint32", TaskMember.Of(call, "real_parent", "pid")));
}

/// <summary>The syntax of a member of a task's relative, which ppid, leader_tid and leader_comm bind.</summary>
internal static class TaskMember
{
    /// <summary><c>task->relative->member</c>, the task being the call's argument or <c>curtask</c>.</summary>
    public static Expression Of(CallExpression call, string relative, string member)
    {
        var task = call.Arguments.Count == 1 ? call.Arguments[0] : new Identifier(call.Span, "curtask");
        return new FieldAccess(call.Span, new FieldAccess(call.Span, task, relative, IsArrow: true), member, IsArrow: true);
    }

    /// <summary><c>(type)value</c>.</summary>
    public static Expression Cast(CallExpression call, string type, Expression value) =>
        new CastExpression(call.Span, new TypeSyntax(call.Span, type, 0, null), value);
}
