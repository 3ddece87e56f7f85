using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// The rest of the reference's literal folding: what counts as a literal, ternaries, tuple and record comparisons,
// string and tuple indexing, str() of a literal, and the evaluation `comptime` and static_assert ask for.
internal static partial class LiteralFolding
{
    /// <summary>
    /// Whether a bound expression is a literal as the reference's <c>is_literal</c> has it: an integer, bool or string
    /// literal (what folding left), or a tuple or record whose elements all are.
    /// </summary>
    public static bool IsLiteral(BoundExpression expression) => expression switch
    {
        BoundStringLiteral => true,
        BoundTuple tuple => tuple.Elements.All(IsLiteral),
        _ => IsIntegerLiteral(expression) || IsBoolLiteral(expression),
    };

    /// <summary>
    /// The truth of a literal used as a condition, as the reference's <c>eval_bool</c>: an integer when not zero
    /// (a negative one always), a string when not empty, a bool as it is. Null for anything else.
    /// </summary>
    public static bool? Truth(BoundExpression expression) => expression switch
    {
        BoundStringLiteral s => s.Value.Length > 0,
        BoundIntegerLiteral literal when IsIntegerLiteral(literal) || IsBoolLiteral(literal) => literal.Value != 0,
        _ => null,
    };

    /// <summary>
    /// <c>c ? a : b</c>: the branch <c>c</c> picks when all three are literals; else, when <c>c</c> alone is, the
    /// reference still simplifies it to a bool (so <c>"foo" ? $a : $b</c> is <c>true ? $a : $b</c>).
    /// </summary>
    public static (BoundExpression? Folded, BoundExpression Condition) FoldTernary(BoundExpression condition, BoundExpression whenTrue, BoundExpression whenFalse)
    {
        if (Truth(condition) is not { } truth)
            return (null, condition);
        if (IsLiteral(whenTrue) && IsLiteral(whenFalse))
            return (truth ? whenTrue : whenFalse, condition);
        return (null, Bool(condition.Span, truth));
    }

    /// <summary>A literal condition simplified to the bool it stands for, as the reference folds a run-time <c>if</c>'s; else the condition.</summary>
    public static BoundExpression FoldCondition(BoundExpression condition) => Truth(condition) is { } truth ? Bool(condition.Span, truth) : condition;

    // `==` and `!=` of two tuples or two records: tuples of different lengths differ whatever their elements; else
    // element by element (a record's by name) when every compared element is a literal, an integer never equal to a
    // value of another kind. Null leaves the comparison to the program (a non-literal, a field the other lacks).
    private static Result? FoldTuples(TextSpan span, BinaryOperator op, BoundTuple left, BoundTuple right)
    {
        if (op is not (BinaryOperator.Equal or BinaryOperator.NotEqual) || (left.TupleType.Names is null) != (right.TupleType.Names is null))
            return null;
        return SameTuples(left, right) is { } same ? Ok(Bool(span, same == (op == BinaryOperator.Equal))) : null;
    }

    private static bool? SameTuples(BoundTuple left, BoundTuple right)
    {
        if (left.Elements.Count != right.Elements.Count)
            return false;
        var (leftNames, rightNames) = (left.TupleType.Names, right.TupleType.Names);
        for (var i = 0; i < left.Elements.Count; i++)
        {
            var j = leftNames is null ? i : rightNames!.ToList().IndexOf(leftNames[i]);
            if (j < 0)
                return null;
            switch (SameLiterals(left.Elements[i], right.Elements[j]))
            {
                case null:
                    return null;
                case false:
                    return false;
            }
        }
        return true;
    }

    private static bool? SameLiterals(BoundExpression left, BoundExpression right)
    {
        if (!IsLiteral(left) || !IsLiteral(right))
            return null;
        return (left, right) switch
        {
            (BoundStringLiteral l, BoundStringLiteral r) => l.Bytes.AsSpan().SequenceEqual(r.Bytes),
            (BoundTuple l, BoundTuple r) when (l.TupleType.Names is null) == (r.TupleType.Names is null) => SameTuples(l, r),
            (BoundIntegerLiteral l, BoundIntegerLiteral r) when IsBoolLiteral(l) && IsBoolLiteral(r) => l.Value == r.Value,
            _ when AsInteger(left) is { } l && AsInteger(right) is { } r => l.IsNegative == r.IsNegative && l.Magnitude == r.Magnitude,
            _ => false,
        };
    }

    /// <summary>
    /// <c>"foo"[i]</c> with a non-negative integer literal index up to the string's length: the byte there (its NUL at
    /// the length), read as the reference reads a C <c>char</c>, sign-extended, into an unsigned literal. Null past the
    /// end, which the indexing reports.
    /// </summary>
    public static BoundExpression? FoldStringIndex(TextSpan span, BoundStringLiteral text, BoundExpression index)
    {
        if (AsInteger(index) is not { IsNegative: false } i)
            return null;
        var bytes = text.Bytes;
        if (i.Magnitude > (ulong)bytes.Length)
            return null;
        var value = i.Magnitude == (ulong)bytes.Length ? 0 : (long)(sbyte)bytes[(int)i.Magnitude];
        return IntegerLiterals.Bind(span, value, isUnsigned: value < 0);
    }

    /// <summary>
    /// <c>str(x)</c> and <c>str(x, n)</c> of a literal: the string itself or an integer's decimal digits, cut to
    /// <c>n</c> bytes when <c>n</c> is an integer literal. Null for anything else (a pointer to read).
    /// </summary>
    public static BoundExpression? FoldStr(TextSpan span, BoundExpression value, BoundExpression? length)
    {
        var text = value switch
        {
            BoundStringLiteral s => s.Bytes,
            BoundIntegerLiteral literal when AsInteger(literal) is { } i => System.Text.Encoding.ASCII.GetBytes(i.IsNegative
                ? i.Negative.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : i.Magnitude.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => null,
        };
        if (text is null)
            return null;
        if (length is not null)
        {
            if (AsInteger(length) is not { IsNegative: false } n)
                return null;
            if ((ulong)text.Length >= n.Magnitude)
                text = text[..(int)n.Magnitude];
        }
        return new BoundStringLiteral(span, Output.RawText.Decode(text));
    }

    /// <summary>Element <paramref name="index"/> of a tuple or record of literals, which is itself one; null for another tuple.</summary>
    public static BoundExpression? FoldElement(BoundExpression tuple, int index) =>
        tuple is BoundTuple literal && IsLiteral(literal) && index < literal.Elements.Count ? literal.Elements[index] : null;

    /// <summary>
    /// The literal a bound expression is at compile time, for <c>comptime</c> and <c>static_assert</c>: a literal; a
    /// constant the binder knows (<c>sizeof</c>, <c>offsetof</c>, <c>is_str</c> and the like, an enum value) as the
    /// literal of its value, as the reference's type resolver turns those into literals and folds again; and
    /// operators, ternaries and value-only blocks over them, folded as above (an overflow is the folding's error).
    /// Null when only the run knows.
    /// </summary>
    public static Result? Evaluate(BoundExpression expression)
    {
        if (IsLiteral(expression))
            return Ok(expression);
        switch (expression)
        {
            case BoundIntegerLiteral { Type: IntegerType type } constant:
                return Ok(IntegerLiterals.Bind(constant.Span, constant.Value, isUnsigned: !type.IsSigned && constant.Value < 0));
            case BoundUnary unary:
            {
                var operand = Evaluate(unary.Operand);
                return operand is { Literal: { } o } ? FoldUnary(unary.Span, SyntaxOperator(unary.Operator), o) : operand;
            }
            case BoundBinary binary:
            {
                var left = Evaluate(binary.Left);
                if (left is not { Literal: { } l })
                    return left;
                var right = Evaluate(binary.Right);
                if (right is not { Literal: { } r })
                    return right;
                return Fold(binary.Span, SyntaxOperator(binary.Operator), l, r);
            }
            case BoundTernary ternary:
            {
                var condition = Evaluate(ternary.Condition);
                if (condition is not { Literal: { } c })
                    return condition;
                return Truth(c) is { } truth ? Evaluate(truth ? ternary.WhenTrue : ternary.WhenFalse) : null;
            }
            case BoundBlockExpression { Statements.Count: 0, Value: { } value }:
                return Evaluate(value);
            default:
                return null;
        }
    }

    private static UnaryOperator SyntaxOperator(BoundUnaryOperatorKind kind) => kind switch
    {
        BoundUnaryOperatorKind.Negate => UnaryOperator.Negate,
        BoundUnaryOperatorKind.BitwiseNot => UnaryOperator.BitwiseNot,
        _ => UnaryOperator.LogicalNot,
    };

    private static BinaryOperator SyntaxOperator(BoundBinaryOperatorKind kind) => kind switch
    {
        BoundBinaryOperatorKind.Add => BinaryOperator.Add,
        BoundBinaryOperatorKind.Subtract => BinaryOperator.Subtract,
        BoundBinaryOperatorKind.Multiply => BinaryOperator.Multiply,
        BoundBinaryOperatorKind.DivideUnsigned => BinaryOperator.Divide,
        BoundBinaryOperatorKind.ModuloUnsigned => BinaryOperator.Modulo,
        BoundBinaryOperatorKind.BitwiseAnd => BinaryOperator.BitwiseAnd,
        BoundBinaryOperatorKind.BitwiseOr => BinaryOperator.BitwiseOr,
        BoundBinaryOperatorKind.BitwiseXor => BinaryOperator.BitwiseXor,
        BoundBinaryOperatorKind.ShiftLeft => BinaryOperator.ShiftLeft,
        BoundBinaryOperatorKind.ShiftRightArithmetic or BoundBinaryOperatorKind.ShiftRightLogical => BinaryOperator.ShiftRight,
        BoundBinaryOperatorKind.Equal or BoundBinaryOperatorKind.StringEqual => BinaryOperator.Equal,
        BoundBinaryOperatorKind.NotEqual or BoundBinaryOperatorKind.StringNotEqual => BinaryOperator.NotEqual,
        BoundBinaryOperatorKind.LessSigned or BoundBinaryOperatorKind.LessUnsigned => BinaryOperator.Less,
        BoundBinaryOperatorKind.LessOrEqualSigned or BoundBinaryOperatorKind.LessOrEqualUnsigned => BinaryOperator.LessOrEqual,
        BoundBinaryOperatorKind.GreaterSigned or BoundBinaryOperatorKind.GreaterUnsigned => BinaryOperator.Greater,
        BoundBinaryOperatorKind.GreaterOrEqualSigned or BoundBinaryOperatorKind.GreaterOrEqualUnsigned => BinaryOperator.GreaterOrEqual,
        BoundBinaryOperatorKind.LogicalAnd => BinaryOperator.LogicalAnd,
        _ => BinaryOperator.LogicalOr,
    };
}
