using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(IsInteger))]

namespace SharpTrace.Builtins;

/// <summary><c>is_integer(e)</c>: true when <c>e</c>'s type is an integer of any width and sign (base type <c>int</c>; a bool is not one); a compile-time bool, <c>e</c> is not evaluated.</summary>
internal sealed class IsInteger : TypePredicate
{
    public override string Name => "is_integer";

    protected override bool Holds(BpfType type) => type is IntegerType;
}
