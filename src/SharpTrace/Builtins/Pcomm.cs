using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Pcomm))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>pcomm</c>, <c>pcomm()</c> and <c>pcomm(task)</c>: the name of the task's parent process (the current task's when
/// none is given), <c>task->real_parent->comm</c> read through the kernel's BTF, as the newest bpftrace defines it.
/// </summary>
internal sealed class Pcomm : BuiltinFunction
{
    public override string Name => "pcomm";
    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var task = call.Arguments.Count == 1 ? call.Arguments[0] : new Identifier(call.Span, "curtask");
        var parent = new FieldAccess(call.Span, task, "real_parent", IsArrow: true);
        return context.Bind(new FieldAccess(call.Span, parent, "comm", IsArrow: true));
    }
}
