using SharpTrace.Syntax;

namespace SharpTrace.Semantics;

/// <summary>
/// <c>for ($kv : @m) { ... }</c>: the body runs once for each entry that exists now, with
/// <see cref="Variable"/> = (key, value); the key is a tuple for a map with several keys.
/// </summary>
internal sealed record BoundForMap(TextSpan Span, VariableSymbol Variable, MapSymbol Map, BoundBlock Body) : BoundStatement(Span)
{
    /// <summary>The $variables the body (nested loops included) assigns.</summary>
    public IReadOnlySet<VariableSymbol> Assigned { get; init; } = new HashSet<VariableSymbol>();
}

/// <summary>
/// <c>for ($i : start..end) { ... }</c>: the body runs for start, start + 1, ..., end - 1; both ends are evaluated
/// once, before the first iteration, and <see cref="Start"/> keeps the start for the iterations.
/// </summary>
internal sealed record BoundForRange(TextSpan Span, VariableSymbol Variable, VariableSymbol Start, BoundExpression From, BoundExpression To, BoundBlock Body)
    : BoundStatement(Span)
{
    /// <summary>The $variables the body (nested loops included) assigns.</summary>
    public IReadOnlySet<VariableSymbol> Assigned { get; init; } = new HashSet<VariableSymbol>();
}

/// <summary><c>break</c> in a loop body.</summary>
internal sealed record BoundBreak(TextSpan Span) : BoundStatement(Span);

/// <summary><c>continue</c> in a loop body.</summary>
internal sealed record BoundContinue(TextSpan Span) : BoundStatement(Span);

/// <summary><c>return</c>: leaves the probe (from inside loops too) without ending the program; <c>return VALUE</c> makes VALUE the program's return (a <c>test:</c> probe passes with 0).</summary>
internal sealed record BoundReturn(TextSpan Span, BoundExpression? Value = null) : BoundStatement(Span);

/// <summary><c>$t.0</c>: one element of a tuple.</summary>
internal sealed record BoundTupleElement(TextSpan Span, BoundExpression Tuple, int Index, BpfType Type) : BoundExpression(Span, Type)
{
    public int Offset => ((TupleType)Tuple.Type).OffsetOf(Index);
}

/// <summary>
/// <c>$x++</c>, <c>++@m[k]</c> and friends used as a value: <see cref="Update"/> stores the new value, then
/// <see cref="Read"/> reads it back; the postfix forms yield the value before the update.
/// </summary>
internal sealed record BoundIncrement(TextSpan Span, BoundStatement Update, BoundExpression Read, bool IsIncrement, bool IsPrefix)
    : BoundExpression(Span, Read.Type);

/// <summary>
/// <c>while (cond) { ... }</c>: the body runs inline, with a jump back to the condition; the verifier must see that
/// the loop ends (a counter compared to a constant, say). break and continue jump out or back.
/// </summary>
internal sealed record BoundWhile(TextSpan Span, BoundExpression Condition, BoundBlock Body) : BoundStatement(Span);

/// <summary><c>unroll(N) { ... }</c>: the body written out <see cref="Count"/> times (1..100); not a loop for break and continue.</summary>
internal sealed record BoundUnroll(TextSpan Span, int Count, BoundBlock Body) : BoundStatement(Span);
