using SharpTrace.Syntax;

namespace SharpTrace.Semantics;

/// <summary>
/// A member, or an element at a constant index, of a struct, union or array that is a copy the program holds (a
/// variable, a map's value or key, a tuple's element: <c>$s.a</c>, <c>@m[k].arr[1]</c>, <c>$t.1.a</c>), read from the
/// copy's bytes at <see cref="Offset"/>, not from kernel or user memory.
/// </summary>
internal sealed record BoundStoredMember(TextSpan Span, BoundExpression Value, int Offset, BpfType Type, int BitOffset = 0, int BitfieldSize = 0)
    : BoundExpression(Span, Type)
{
    public bool IsBitfield => BitfieldSize > 0;
}

/// <summary>
/// <c>a[i]</c> with an index known only at run time, of an array in memory (<see cref="InMemory"/>: read with a
/// probe-read helper, user memory when <see cref="IsUserSpace"/>) or of a copy the program holds. An index past the
/// end sends the run-time warning <see cref="ErrorAction"/> (a <c>RuntimeErrorAction</c>) and reads as zero. The array may
/// be a string (<see cref="Stride"/> 1, int8 elements).
/// </summary>
internal sealed record BoundArrayElement(TextSpan Span, BoundExpression Array, BoundExpression Index, int Count, int Stride, BpfType Type,
    bool IsUserSpace, bool InMemory, int ErrorAction) : BoundExpression(Span, Type)
{
    /// <summary>The <see cref="ErrorAction"/> of an element past the end that reads zero silently (a string's byte).</summary>
    public const int NoWarning = -1;
}

/// <summary><c>a == b</c> (or <c>!=</c> when not <see cref="IsEqual"/>) of two integer arrays or two buffers: their bytes compared.</summary>
internal sealed record BoundArrayComparison(TextSpan Span, BoundExpression Left, BoundExpression Right, bool IsEqual)
    : BoundExpression(Span, BoolType.Instance);
