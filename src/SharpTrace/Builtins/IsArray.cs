using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(IsArray))]

namespace SharpTrace.Builtins;

/// <summary><c>is_array(e)</c>: true when <c>e</c>'s type is an array (base type <c>array</c>: a C array read from memory or copied, an integer array cast; not a string); a compile-time bool, <c>e</c> is not evaluated.</summary>
internal sealed class IsArray : TypePredicate
{
    public override string Name => "is_array";

    protected override bool Holds(BpfType type) => type is CValueType { CType.Resolved: Semantics.CTypes.CArrayType };
}
