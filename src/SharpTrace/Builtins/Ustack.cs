using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Ustack))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>ustack</c>, <c>ustack(N)</c>, <c>ustack(mode[, N])</c>: the user stack of the current thread, walked through
/// frame pointers, so code built without them (Debian's libc) ends the walk early.
/// </summary>
internal sealed class Ustack : StackBuiltin
{
    public override string Name => "ustack";
    protected override bool IsUser => true;
}
