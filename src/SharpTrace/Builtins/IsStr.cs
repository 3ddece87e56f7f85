using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(IsStr))]

namespace SharpTrace.Builtins;

/// <summary><c>is_str(e)</c>: true when <c>e</c>'s type is a string (the reference's base type <c>string</c>: a <c>char *</c> is a pointer; a <c>char[N]</c> read from memory is a string here, as there); a compile-time bool, <c>e</c> is not evaluated.</summary>
internal sealed class IsStr : TypePredicate
{
    public override string Name => "is_str";

    protected override bool Holds(BpfType type) => type is StringType;
}
