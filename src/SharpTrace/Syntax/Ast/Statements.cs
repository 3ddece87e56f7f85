namespace SharpTrace.Syntax.Ast;

internal abstract record Statement(TextSpan Span) : Node(Span);

/// <summary><c>{ ... }</c>.</summary>
internal sealed record Block(TextSpan Span, IReadOnlyList<Statement> Statements) : Statement(Span);

internal sealed record ExpressionStatement(TextSpan Span, Expression Expression) : Statement(Span);

/// <summary>
/// <c>target = value</c>, or a compound assignment <c>target op= value</c> when <see cref="CompoundOperator"/> is set.
/// The target is a <see cref="MapAccess"/>, a <see cref="VariableExpression"/> or a field/index of them.
/// </summary>
internal sealed record AssignmentStatement(TextSpan Span, Expression Target, BinaryOperator? CompoundOperator, Expression Value) : Statement(Span);

/// <summary><c>let $x</c>, <c>let $x: type</c>, <c>let $x = value</c>.</summary>
internal sealed record LetStatement(TextSpan Span, string Variable, TypeSyntax? Type, Expression? Value) : Statement(Span);

/// <summary><c>if (cond) { } else ...</c>; <see cref="Else"/> is a <see cref="Block"/> or another <see cref="IfStatement"/>.</summary>
internal sealed record IfStatement(TextSpan Span, Expression Condition, Block Then, Statement? Else) : Statement(Span);

internal sealed record WhileStatement(TextSpan Span, Expression Condition, Block Body) : Statement(Span);

internal sealed record UnrollStatement(TextSpan Span, Expression Count, Block Body) : Statement(Span);

/// <summary><c>for ($kv : @map) { }</c>.</summary>
internal sealed record ForMapStatement(TextSpan Span, string Variable, MapAccess Map, Block Body) : Statement(Span);

/// <summary><c>for ($i : start..end) { }</c>.</summary>
internal sealed record ForRangeStatement(TextSpan Span, string Variable, Expression Start, Expression End, Block Body) : Statement(Span);

internal sealed record BreakStatement(TextSpan Span) : Statement(Span);

internal sealed record ContinueStatement(TextSpan Span) : Statement(Span);

internal sealed record ReturnStatement(TextSpan Span, Expression? Value) : Statement(Span);
