using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Kstack))]

namespace SharpTrace.Builtins;

/// <summary><c>kstack</c>, <c>kstack(N)</c>, <c>kstack(mode[, N])</c>: the kernel stack, innermost frame first.</summary>
internal sealed class Kstack : StackBuiltin
{
    public override string Name => "kstack";
    protected override bool IsUser => false;
}
