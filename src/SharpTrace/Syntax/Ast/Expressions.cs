namespace SharpTrace.Syntax.Ast;

internal abstract record Expression(TextSpan Span) : Node(Span);

/// <summary>An integer literal; <see cref="Text"/> is as written (hex, suffixes, underscores).</summary>
internal sealed record IntegerLiteral(TextSpan Span, ulong Value, string Text) : Expression(Span);

/// <summary>A string literal with escapes already decoded.</summary>
internal sealed record StringLiteral(TextSpan Span, string Value) : Expression(Span);

internal sealed record BooleanLiteral(TextSpan Span, bool Value) : Expression(Span);

/// <summary>A bare identifier: a builtin (<c>pid</c>, <c>comm</c>, <c>args</c>), an enum value, or a config value.</summary>
internal sealed record Identifier(TextSpan Span, string Name) : Expression(Span);

/// <summary><c>$name</c>; <see cref="Name"/> includes the <c>$</c>.</summary>
internal sealed record VariableExpression(TextSpan Span, string Name) : Expression(Span);

/// <summary><c>$1</c>..<c>$N</c>.</summary>
internal sealed record PositionalParameter(TextSpan Span, int Index) : Expression(Span);

/// <summary><c>$#</c>.</summary>
internal sealed record PositionalParameterCount(TextSpan Span) : Expression(Span);

/// <summary>
/// <c>@name</c>, <c>@name[k]</c>, <c>@name[k1, k2]</c>; <see cref="Name"/> includes the <c>@</c> (a bare <c>@</c> is allowed).
/// <see cref="Keys"/> is empty for a scalar map.
/// </summary>
internal sealed record MapAccess(TextSpan Span, string Name, IReadOnlyList<Expression> Keys) : Expression(Span)
{
    public bool IsScalar => Keys.Count == 0;
}

/// <summary><c>name(args)</c>; <see cref="NameSpan"/> is the span of the name alone (where "Unknown function" points).</summary>
internal sealed record CallExpression(TextSpan Span, string Name, TextSpan NameSpan, IReadOnlyList<Expression> Arguments) : Expression(Span)
{
    /// <summary>
    /// For a call written in a macro's body, the macro calls it was expanded from, innermost first (set by the macro
    /// expansion): where a run-time <c>errorf</c> or <c>warnf</c> says <c>expanded from</c>, as bpftrace does.
    /// </summary>
    public IReadOnlyList<TextSpan> ExpandedFrom { get; init; } = [];
}

/// <summary>
/// A prefix operator; <see cref="Comptime"/> is <c>comptime e</c>, an expression the compiler must evaluate (and
/// <c>if comptime (e)</c> an <c>if</c> decided while compiling).
/// </summary>
internal enum UnaryOperator { Negate, LogicalNot, BitwiseNot, Dereference, AddressOf, Comptime }

internal sealed record UnaryExpression(TextSpan Span, UnaryOperator Operator, Expression Operand) : Expression(Span);

internal enum BinaryOperator
{
    Add, Subtract, Multiply, Divide, Modulo,
    BitwiseAnd, BitwiseOr, BitwiseXor, ShiftLeft, ShiftRight,
    Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual,
    LogicalAnd, LogicalOr,
}

internal sealed record BinaryExpression(TextSpan Span, BinaryOperator Operator, Expression Left, Expression Right) : Expression(Span);

internal sealed record TernaryExpression(TextSpan Span, Expression Condition, Expression WhenTrue, Expression WhenFalse) : Expression(Span);

/// <summary><c>x++</c>, <c>++x</c>, <c>x--</c>, <c>--x</c> on a variable or map entry.</summary>
internal sealed record IncrementExpression(TextSpan Span, Expression Target, bool IsIncrement, bool IsPrefix) : Expression(Span);

/// <summary><c>target.field</c> or <c>target->field</c>; tuple indexing <c>$t.0</c> has a numeric <see cref="Field"/>.</summary>
internal sealed record FieldAccess(TextSpan Span, Expression Target, string Field, bool IsArrow) : Expression(Span);

/// <summary><c>target[index]</c> on a non-map expression (arrays, pointers).</summary>
internal sealed record IndexExpression(TextSpan Span, Expression Target, Expression Index) : Expression(Span);

/// <summary><c>(a, b, c)</c>.</summary>
internal sealed record TupleExpression(TextSpan Span, IReadOnlyList<Expression> Elements) : Expression(Span);

/// <summary><c>(name=a, other=b)</c>, a record.</summary>
internal sealed record RecordExpression(TextSpan Span, IReadOnlyList<(string Name, Expression Value)> Fields) : Expression(Span);

/// <summary><c>(type)expr</c>.</summary>
internal sealed record CastExpression(TextSpan Span, TypeSyntax Type, Expression Operand) : Expression(Span);

/// <summary><c>sizeof(type)</c> or <c>sizeof(expr)</c>: exactly one of the two is set.</summary>
internal sealed record SizeofExpression(TextSpan Span, TypeSyntax? Type, Expression? Operand) : Expression(Span);

/// <summary><c>offsetof(struct x, a.b)</c> or <c>offsetof(expr, a.b)</c>.</summary>
internal sealed record OffsetofExpression(TextSpan Span, TypeSyntax? Type, Expression? Operand, IReadOnlyList<string> FieldPath) : Expression(Span);

/// <summary>A type written where a builtin takes one as an argument (<c>container_of(p, struct node, pos)</c>).</summary>
internal sealed record TypeExpression(TextSpan Span, TypeSyntax Type) : Expression(Span)
{
    /// <summary>Written <c>typeof(...)</c> as a call's argument: a macro's type argument (Semantics/Macros/MacroExpansion).</summary>
    public bool IsTypeof { get; init; }
}

/// <summary>A type as written: <c>int32</c>, <c>struct task_struct *</c>, <c>uint8[4]</c>, <c>string</c>.</summary>
internal sealed record TypeSyntax(TextSpan Span, string Name, int PointerDepth, int? ArrayLength) : Node(Span)
{
    /// <summary>The expression of <c>typeof(expression)</c>, whose type this is; null for a named type.</summary>
    public Expression? Of { get; init; }

    /// <summary>
    /// The <c>*</c>s written after <c>[N]</c>: <c>int32[4]*</c> is a pointer to an array of 4 int32 (the newest
    /// bpftrace's postfix type syntax, read left to right), <c>int32*[4]</c> an array of pointers.
    /// </summary>
    public int OuterPointerDepth { get; init; }

    /// <summary>The type as the newest bpftrace writes it: <c>int32*[4]*</c>.</summary>
    public string Written => Name + new string('*', PointerDepth)
        + (ArrayLength is { } n ? $"[{(n > 0 ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}]" : "")
        + new string('*', OuterPointerDepth);
}

/// <summary>
/// <c>{ let $a = 1; $a + 1 }</c> used as a value: the statements run, then <see cref="Value"/> (written without a
/// <c>;</c> after it) is the block's value (none when null: only an expanded macro call has none, see
/// Semantics/MacroExpansion). <c>let</c>s inside are scoped to the block.
/// </summary>
internal sealed record BlockExpression(TextSpan Span, IReadOnlyList<Statement> Statements, Expression? Value) : Expression(Span);
