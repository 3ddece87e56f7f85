using SharpTrace.Builtins;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: BuiltinProvider(typeof(Ustack))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>ustack</c>, <c>ustack(N)</c>, <c>ustack(mode[, N])</c>: the user stack of the current thread, walked through
/// frame pointers, so code built without them (Debian's libc) ends the walk early, unless <c>ustack_unwind = dwarf</c>.
/// </summary>
internal sealed class Ustack : StackBuiltin
{
    public override string Name => "ustack";
    protected override bool IsUser => true;

    /// <summary>
    /// With <c>config = { ustack_unwind = dwarf }</c>, unwound as <c>dw_ustack</c> where the probe kind allows it;
    /// not in build_id mode, whose frames only the kernel's walk gives.
    /// </summary>
    protected override BoundExpression Create(CallExpression call, StackType type, BuiltinContext context) =>
        context.Config.UstackUnwind == "dwarf" && DwUstack.CanUnwind(context.ProbeKind) && type.Mode != Output.StackMode.BuildId
            ? DwUstack.Unwound(call, type, context)
            : base.Create(call, type, context);
}
