using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary>
/// Values the compiler knows, for the builtins the newest bpftrace evaluates at compile time (its standard library's
/// <c>comptime</c> macros and <c>fail</c>): a literal as its literal folding pass leaves one, before types are known
/// (<see cref="Fold"/>), and a bound condition once they are (<see cref="Evaluate"/>).
/// </summary>
internal static class CompileTime
{
    /// <summary>
    /// The literal <paramref name="expression"/> folds to, as bpftrace's literal folding does before type checking:
    /// integer, string and boolean literals, positional parameters and <c>$#</c>, <c>-</c> <c>~</c> <c>!</c> of
    /// literals, arithmetic, comparisons and logic between integers, comparisons and <c>+</c> of strings, logic of
    /// booleans, <c>str()</c> of a literal, and tuples of literals. Null for anything else (a variable, a call, a cast).
    /// </summary>
    public static RuntimeValue? Fold(Expression expression, ProgramConfig config) => expression switch
    {
        IntegerLiteral i => new IntegerValue(unchecked((long)i.Value), IsSigned: i.Value <= long.MaxValue),
        StringLiteral s => new StringValue(s.Value),
        BooleanLiteral b => new BooleanValue(b.Value),
        PositionalParameter p => Parameter(p.Index, config),
        PositionalParameterCount => new IntegerValue(config.PositionalParameters.Count),
        UnaryExpression u => FoldUnary(u.Operator, Fold(u.Operand, config)),
        BinaryExpression b => Fold(b.Left, config) is { } left && Fold(b.Right, config) is { } right ? FoldBinary(b.Operator, left, right) : null,
        TupleExpression t => t.Elements.Select(e => Fold(e, config)).ToList() is var elements && elements.All(e => e is not null)
            ? new TupleValue(elements!)
            : null,
        CallExpression { Name: "str", Arguments: [var argument] } => Fold(argument, config) switch
        {
            StringValue s => s,
            IntegerValue i => new StringValue(i.IsSigned ? i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : ((ulong)i.Value).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => null,
        },
        _ => null,
    };

    // A positional parameter is an integer when it reads as one, otherwise a string; one not given is 0.
    private static RuntimeValue Parameter(int index, ProgramConfig config)
    {
        var text = index <= config.PositionalParameters.Count ? config.PositionalParameters[index - 1] : "";
        if (text.Length == 0)
            return new IntegerValue(0);
        if (long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
            return new IntegerValue(value);
        return new StringValue(text);
    }

    private static RuntimeValue? FoldUnary(UnaryOperator op, RuntimeValue? operand) => (op, operand) switch
    {
        (UnaryOperator.Negate, IntegerValue i) => new IntegerValue(unchecked(-i.Value)),
        (UnaryOperator.BitwiseNot, IntegerValue i) => new IntegerValue(~i.Value, i.IsSigned),
        (UnaryOperator.LogicalNot, IntegerValue i) => new BooleanValue(i.Value == 0),
        (UnaryOperator.LogicalNot, BooleanValue b) => new BooleanValue(!b.Value),
        _ => null,
    };

    private static RuntimeValue? FoldBinary(BinaryOperator op, RuntimeValue left, RuntimeValue right)
    {
        switch (left, right)
        {
            case (StringValue l, StringValue r):
                return op switch
                {
                    BinaryOperator.Add => new StringValue(l.Value + r.Value),
                    BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr => new BooleanValue(Logic(op, l.Value.Length > 0, r.Value.Length > 0)),
                    _ => Compare(op, string.CompareOrdinal(l.Value, r.Value)) is { } b ? new BooleanValue(b) : null,
                };
            case (StringValue s, IntegerValue i) when op == BinaryOperator.Add:
                return new StringValue((ulong)i.Value >= (ulong)s.Value.Length ? "" : s.Value[(int)i.Value..]);
            case (IntegerValue i, StringValue s) when op == BinaryOperator.Add:
                return new StringValue((ulong)i.Value >= (ulong)s.Value.Length ? "" : s.Value[(int)i.Value..]);
            case (IntegerValue l, IntegerValue r):
                return FoldIntegers(op, l, r);
            case (BooleanValue or IntegerValue, BooleanValue or IntegerValue):
                return op is BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr
                    || (left is BooleanValue && right is BooleanValue && Compare(op, 0) is not null)
                    ? new BooleanValue(op switch
                    {
                        BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr => Logic(op, Truth(left), Truth(right)),
                        _ => Compare(op, Truth(left).CompareTo(Truth(right)))!.Value,
                    })
                    : null;
            default:
                return null;
        }
    }

    private static RuntimeValue? FoldIntegers(BinaryOperator op, IntegerValue l, IntegerValue r)
    {
        var unsigned = !l.IsSigned || !r.IsSigned;
        if (op is BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr)
            return new BooleanValue(Logic(op, l.Value != 0, r.Value != 0));
        var order = unsigned ? ((ulong)l.Value).CompareTo((ulong)r.Value) : l.Value.CompareTo(r.Value);
        if (Compare(op, order) is { } compared)
            return new BooleanValue(compared);
        if (op is BinaryOperator.Divide or BinaryOperator.Modulo && r.Value == 0)
            return null;
        long value = op switch
        {
            BinaryOperator.Add => unchecked(l.Value + r.Value),
            BinaryOperator.Subtract => unchecked(l.Value - r.Value),
            BinaryOperator.Multiply => unchecked(l.Value * r.Value),
            BinaryOperator.Divide => unsigned ? (long)((ulong)l.Value / (ulong)r.Value) : l.Value == long.MinValue && r.Value == -1 ? l.Value : l.Value / r.Value,
            BinaryOperator.Modulo => unsigned ? (long)((ulong)l.Value % (ulong)r.Value) : r.Value == -1 ? 0 : l.Value % r.Value,
            BinaryOperator.BitwiseAnd => l.Value & r.Value,
            BinaryOperator.BitwiseOr => l.Value | r.Value,
            BinaryOperator.BitwiseXor => l.Value ^ r.Value,
            BinaryOperator.ShiftLeft => r.Value is >= 0 and < 64 ? l.Value << (int)r.Value : 0,
            BinaryOperator.ShiftRight => r.Value is >= 0 and < 64 ? unsigned ? (long)((ulong)l.Value >> (int)r.Value) : l.Value >> (int)r.Value : 0,
            _ => 0,
        };
        return new IntegerValue(value, !unsigned);
    }

    private static bool Truth(RuntimeValue value) => value switch
    {
        BooleanValue b => b.Value,
        IntegerValue i => i.Value != 0,
        _ => false,
    };

    private static bool Logic(BinaryOperator op, bool left, bool right) => op == BinaryOperator.LogicalAnd ? left && right : left || right;

    private static bool? Compare(BinaryOperator op, int order) => op switch
    {
        BinaryOperator.Equal => order == 0,
        BinaryOperator.NotEqual => order != 0,
        BinaryOperator.Less => order < 0,
        BinaryOperator.LessOrEqual => order <= 0,
        BinaryOperator.Greater => order > 0,
        BinaryOperator.GreaterOrEqual => order >= 0,
        _ => null,
    };

    /// <summary>
    /// The value of a bound condition the compiler knows once types are known: integer and bool constants (what
    /// <c>is_str</c>, <c>sizeof</c> and the like bind to), string literals, and <c>!</c>, <c>-</c>, <c>~</c>,
    /// arithmetic, comparisons, logic and <c>?:</c> over them. Null when the value is only known at run time.
    /// </summary>
    public static long? Evaluate(BoundExpression expression)
    {
        switch (expression)
        {
            case BoundIntegerLiteral literal:
                return literal.Value;
            case BoundUnary { Operand: var operand } unary when Evaluate(operand) is { } value:
                return unary.Operator switch
                {
                    BoundUnaryOperatorKind.Negate => unchecked(-value),
                    BoundUnaryOperatorKind.BitwiseNot => ~value,
                    _ => value == 0 ? 1 : 0,
                };
            case BoundTernary ternary when Evaluate(ternary.Condition) is { } condition:
                return Evaluate(condition != 0 ? ternary.WhenTrue : ternary.WhenFalse);
            case BoundBinary { Operator: BoundBinaryOperatorKind.StringEqual or BoundBinaryOperatorKind.StringNotEqual } strings
                when (strings.Left, strings.Right) is (BoundStringLiteral left, BoundStringLiteral right):
                return (left.Value == right.Value) == (strings.Operator == BoundBinaryOperatorKind.StringEqual) ? 1 : 0;
            case BoundBinary binary when Evaluate(binary.Left) is { } left && Evaluate(binary.Right) is { } right:
                return EvaluateBinary(binary.Operator, left, right);
            default:
                return null;
        }
    }

    private static long? EvaluateBinary(BoundBinaryOperatorKind op, long left, long right) => op switch
    {
        BoundBinaryOperatorKind.Add => unchecked(left + right),
        BoundBinaryOperatorKind.Subtract => unchecked(left - right),
        BoundBinaryOperatorKind.Multiply => unchecked(left * right),
        BoundBinaryOperatorKind.DivideUnsigned => right == 0 ? null : (long)((ulong)left / (ulong)right),
        BoundBinaryOperatorKind.ModuloUnsigned => right == 0 ? null : (long)((ulong)left % (ulong)right),
        BoundBinaryOperatorKind.BitwiseAnd => left & right,
        BoundBinaryOperatorKind.BitwiseOr => left | right,
        BoundBinaryOperatorKind.BitwiseXor => left ^ right,
        BoundBinaryOperatorKind.ShiftLeft => right is >= 0 and < 64 ? left << (int)right : 0,
        BoundBinaryOperatorKind.ShiftRightArithmetic => right is >= 0 and < 64 ? left >> (int)right : 0,
        BoundBinaryOperatorKind.ShiftRightLogical => right is >= 0 and < 64 ? (long)((ulong)left >> (int)right) : 0,
        BoundBinaryOperatorKind.Equal => left == right ? 1 : 0,
        BoundBinaryOperatorKind.NotEqual => left != right ? 1 : 0,
        BoundBinaryOperatorKind.LessSigned => left < right ? 1 : 0,
        BoundBinaryOperatorKind.LessUnsigned => (ulong)left < (ulong)right ? 1 : 0,
        BoundBinaryOperatorKind.LessOrEqualSigned => left <= right ? 1 : 0,
        BoundBinaryOperatorKind.LessOrEqualUnsigned => (ulong)left <= (ulong)right ? 1 : 0,
        BoundBinaryOperatorKind.GreaterSigned => left > right ? 1 : 0,
        BoundBinaryOperatorKind.GreaterUnsigned => (ulong)left > (ulong)right ? 1 : 0,
        BoundBinaryOperatorKind.GreaterOrEqualSigned => left >= right ? 1 : 0,
        BoundBinaryOperatorKind.GreaterOrEqualUnsigned => (ulong)left >= (ulong)right ? 1 : 0,
        BoundBinaryOperatorKind.LogicalAnd => left != 0 && right != 0 ? 1 : 0,
        BoundBinaryOperatorKind.LogicalOr => left != 0 || right != 0 ? 1 : 0,
        _ => null,
    };

    /// <summary>A bool the compiler knows, bound as <c>true</c>/<c>false</c> are.</summary>
    public static BoundExpression Bool(TextSpan span, bool value) => new BoundIntegerLiteral(span, value ? 1 : 0, BoolType.Instance);

    /// <summary>A call that leaves no code behind: a compile-time check that passed.</summary>
    public static BoundExpression Nothing(TextSpan span) => new BoundBlockExpression(span, [], null);
}
