using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(IsUnsignedInteger))]

namespace SharpTrace.Builtins;

/// <summary><c>is_unsigned_integer(e)</c>: true when <c>e</c>'s type is an unsigned integer (base type <c>int</c>, full type starting with <c>u</c>); a compile-time bool, <c>e</c> is not evaluated.</summary>
internal sealed class IsUnsignedInteger : TypePredicate
{
    public override string Name => "is_unsigned_integer";

    protected override bool Holds(BpfType type) => type is IntegerType { IsSigned: false };
}
