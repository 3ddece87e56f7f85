using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(IsPtr))]

namespace SharpTrace.Builtins;

/// <summary><c>is_ptr(e)</c>: true when <c>e</c>'s type is a pointer (base type <c>pointer</c>); a compile-time bool, <c>e</c> is not evaluated.</summary>
internal sealed class IsPtr : TypePredicate
{
    public override string Name => "is_ptr";

    protected override bool Holds(BpfType type) => type is PointerType;
}
