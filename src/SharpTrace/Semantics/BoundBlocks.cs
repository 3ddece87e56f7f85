using SharpTrace.Syntax;

namespace SharpTrace.Semantics;

/// <summary>
/// A block used as a value (an expanded macro call): <see cref="Statements"/> run, then <see cref="Value"/> is read;
/// a block without a value has none (<see cref="VoidType"/>).
/// </summary>
internal sealed record BoundBlockExpression(TextSpan Span, IReadOnlyList<BoundStatement> Statements, BoundExpression? Value)
    : BoundExpression(Span, Value?.Type ?? BpfType.Void);
