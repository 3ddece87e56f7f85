using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// An operator on two literals folded into a literal, as the newest bpftrace's literal folding does before types are
/// resolved (its fold_literals pass): integers are computed exactly, as a non-negative (uint64) or a negative (int64)
/// value, and the result is a literal typed by its value (<c>1 + 2</c> is the int8 3, <c>-8 &gt;&gt; 1</c> is -4);
/// a result that does not fit, a division by zero or a shift by 64 or more is its error; strings concatenate and
/// compare; booleans combine as bools. The rest of the pass (ternaries, tuples, string indexing, <c>str()</c>,
/// <c>comptime</c>) is in LiteralFolding.Values.cs.
/// </summary>
internal static partial class LiteralFolding
{
    public const string FlowError = "unable to fold literals due to overflow or underflow";

    /// <summary>What folding an operator gave: a literal, an error message, or nothing (not two literals).</summary>
    public readonly record struct Result(BoundExpression? Literal, string? Error, string? Warning);

    // An integer literal's value as the reference holds it: non-negative as a uint64, negative as an int64.
    private readonly record struct IntegerOperand(ulong Magnitude, long Negative, bool IsNegative);

    /// <summary>True for a literal the binder made from a literal (not a cast, an enum value or a bool).</summary>
    public static bool IsIntegerLiteral(BoundExpression expression) =>
        expression is BoundIntegerLiteral { Type: IntegerType { Enum: null } t, Value: var v }
        && (t.IsSignFlexible || (v < 0 && (t.IsSigned || t.Bytes == 8)));

    private static bool IsBoolLiteral(BoundExpression expression) => expression is BoundIntegerLiteral { Type: BoolType };

    private static IntegerOperand? AsInteger(BoundExpression expression)
    {
        if (!IsIntegerLiteral(expression))
            return null;
        var literal = (BoundIntegerLiteral)expression;
        var isNegative = literal.Type is IntegerType { IsSigned: true } && literal.Value < 0;
        return new IntegerOperand((ulong)literal.Value, literal.Value, isNegative);
    }

    /// <summary><c>!</c> of an integer or bool literal: a bool literal.</summary>
    public static BoundExpression? FoldNot(TextSpan span, BoundExpression operand) =>
        IsIntegerLiteral(operand) || IsBoolLiteral(operand)
            ? Bool(span, ((BoundIntegerLiteral)operand).Value == 0)
            : null;

    /// <summary>
    /// <c>-N</c> and <c>~N</c> of an integer (a literal or a constant), typed as the newest bpftrace folds them:
    /// <c>-1000</c> is an int16, <c>~0</c> the uint64 18446744073709551615 (a <c>~</c> of a literal is never negative);
    /// a negation past int64's range is its error. Null for another operand or operator.
    /// </summary>
    public static Result? FoldUnary(TextSpan span, UnaryOperator op, BoundExpression operand)
    {
        if (op is UnaryOperator.LogicalNot)
            return FoldNot(span, operand) is { } not ? Ok(not) : null;
        if (operand is not BoundIntegerLiteral { Type: IntegerType type } literal || op is not (UnaryOperator.Negate or UnaryOperator.BitwiseNot))
            return null;
        if (op is UnaryOperator.BitwiseNot)
        {
            var inverted = ~literal.Value;
            return Ok(IntegerLiterals.Bind(span, inverted, isUnsigned: inverted < 0));
        }
        // An enumerator is unsigned as the newest bpftrace types it, but negating one gives its negative value, as C does.
        if (!type.IsSigned && type.Enum is null && literal.Value != long.MinValue)
            return new Result(null, "negative value will underflow", null);
        // -(2^63) is int64's smallest value; -(int64's smallest) is 2^63, a uint64.
        return Ok(IntegerLiterals.Bind(span, unchecked(-literal.Value), isUnsigned: literal.Value == long.MinValue && type.IsSigned));
    }

    /// <summary>Folds <paramref name="op"/> on two bound operands when both are literals.</summary>
    public static Result? Fold(TextSpan span, BinaryOperator op, BoundExpression left, BoundExpression right)
    {
        if (left is BoundTuple l1 && right is BoundTuple r1)
            return FoldTuples(span, op, l1, r1);
        if (left is BoundStringLiteral || right is BoundStringLiteral)
            return FoldString(span, op, left, right);
        if (IsBoolLiteral(left) || IsBoolLiteral(right))
            return FoldBool(span, op, left, right);
        if (AsInteger(left) is not { } l || AsInteger(right) is not { } r)
            return null;
        if (!l.IsNegative && !r.IsNegative)
            return IsComparison(op) ? Ok(Bool(span, Compare(op, l.Magnitude.CompareTo(r.Magnitude), l.Magnitude != 0, r.Magnitude != 0)))
                : Integer(span, Unsigned(op, l.Magnitude, r.Magnitude));
        if (l.IsNegative && r.IsNegative)
            return IsComparison(op) ? Ok(Bool(span, Compare(op, l.Negative.CompareTo(r.Negative), true, true)))
                : Integer(span, Signed(op, l.Negative, r.Negative));
        // One negative, one not: both as int64 when the other fits, else the reference's error.
        var other = l.IsNegative ? r : l;
        if (other.Magnitude > long.MaxValue)
            return new Result(null, FlowError, null);
        var (a, b) = ((long)l.Negative, (long)r.Negative);
        return IsComparison(op) ? Ok(Bool(span, Compare(op, a.CompareTo(b), a != 0, b != 0))) : Integer(span, Signed(op, a, b));
    }

    private static Result Ok(BoundExpression literal) => new(literal, null, null);

    private static Result Integer(TextSpan span, (ulong Value, bool IsNegative)? value) => value switch
    {
        null => new Result(null, FlowError, null),
        ({ } v, false) => Ok(IntegerLiterals.Bind(span, (long)v, isUnsigned: v > long.MaxValue)),
        ({ } v, true) => Ok(IntegerLiterals.Bind(span, (long)v)),
    };

    private static BoundExpression Bool(TextSpan span, bool value) => new BoundIntegerLiteral(span, value ? 1 : 0, BoolType.Instance);

    private static bool IsComparison(BinaryOperator op) => op is BinaryOperator.Equal or BinaryOperator.NotEqual or BinaryOperator.Less
        or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual or BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr;

    private static bool Compare(BinaryOperator op, int order, bool left, bool right) => op switch
    {
        BinaryOperator.Equal => order == 0,
        BinaryOperator.NotEqual => order != 0,
        BinaryOperator.Less => order < 0,
        BinaryOperator.LessOrEqual => order <= 0,
        BinaryOperator.Greater => order > 0,
        BinaryOperator.GreaterOrEqual => order >= 0,
        BinaryOperator.LogicalAnd => left && right,
        _ => left || right,
    };

    // A non-negative result as a uint64, a negative one as an int64 (its bits), null when it does not fit.
    private static (ulong, bool)? NonNegative(ulong value) => (value, false);

    private static (ulong, bool)? Clamp(long value) => ((ulong)value, value < 0);

    private static (ulong, bool)? Unsigned(BinaryOperator op, ulong l, ulong r)
    {
        switch (op)
        {
            case BinaryOperator.Add:
                return l + r is var sum && (l == 0 || r == 0 || (sum > l && sum > r)) ? NonNegative(sum) : null;
            case BinaryOperator.Subtract:
                if (l >= r)
                    return NonNegative(l - r);
                var delta = r - l - 1;
                return delta > long.MaxValue ? null : Clamp(-(long)delta - 1);
            case BinaryOperator.Multiply:
                var product = (UInt128)l * r;
                return product > ulong.MaxValue ? null : NonNegative((ulong)product);
            case BinaryOperator.Divide:
                return r == 0 ? null : NonNegative(l / r);
            case BinaryOperator.Modulo:
                return r == 0 ? null : NonNegative(l % r);
            case BinaryOperator.BitwiseAnd:
                return NonNegative(l & r);
            case BinaryOperator.BitwiseOr:
                return NonNegative(l | r);
            case BinaryOperator.BitwiseXor:
                return NonNegative(l ^ r);
            case BinaryOperator.ShiftLeft:
                return r >= 64 ? null : NonNegative(l << (int)r);
            case BinaryOperator.ShiftRight:
                return r >= 64 ? null : NonNegative(l >> (int)r);
            default:
                return null;
        }
    }

    private static (ulong, bool)? Signed(BinaryOperator op, long l, long r)
    {
        switch (op)
        {
            case BinaryOperator.Add:
                if (l > 0 && r > 0)
                    return Unsigned(op, (ulong)l, (ulong)r);
                var sum = (Int128)l + r;
                return sum < long.MinValue ? null : Clamp((long)sum);
            case BinaryOperator.Subtract:
                var difference = (Int128)l - r;
                return difference < long.MinValue || difference > long.MaxValue ? null : Clamp((long)difference);
            case BinaryOperator.Multiply:
                if (l < 0 && r < 0)
                    return Unsigned(op, (ulong)(-(l + 1)) + 1, (ulong)(-(r + 1)) + 1);
                var product = (Int128)l * r;
                return product < long.MinValue || product > long.MaxValue ? null : Clamp((long)product);
            case BinaryOperator.Divide:
                return r == 0 || (l == long.MinValue && r == -1) ? null : Clamp(l / r);
            case BinaryOperator.Modulo:
                return r == 0 ? null : Clamp(r == -1 ? 0 : l % r);
            case BinaryOperator.BitwiseAnd:
                return Clamp(l & r);
            case BinaryOperator.BitwiseOr:
                return Clamp(l | r);
            case BinaryOperator.BitwiseXor:
                return Clamp(l ^ r);
            case BinaryOperator.ShiftLeft:
                return r is < 0 or >= 64 ? null : Clamp(l << (int)r);
            case BinaryOperator.ShiftRight:
                return r is < 0 or >= 64 ? null : Clamp(l >> (int)r);
            default:
                return null;
        }
    }

    // Two bools combine as bools under any operator (the reference's make_boolean: `true + true` is true, `<<` is
    // `<`, `>>` is `>`); a bool and an integer only under && and ||.
    private static Result? FoldBool(TextSpan span, BinaryOperator op, BoundExpression left, BoundExpression right)
    {
        if (IsBoolLiteral(left) && IsBoolLiteral(right))
        {
            var (l, r) = (((BoundIntegerLiteral)left).Value != 0, ((BoundIntegerLiteral)right).Value != 0);
            return op switch
            {
                BinaryOperator.Add or BinaryOperator.BitwiseOr => Ok(Bool(span, l | r)),
                BinaryOperator.Subtract or BinaryOperator.BitwiseXor => Ok(Bool(span, l ^ r)),
                BinaryOperator.Multiply or BinaryOperator.BitwiseAnd => Ok(Bool(span, l & r)),
                BinaryOperator.Divide => r ? Ok(Bool(span, l)) : new Result(null, FlowError, null),
                BinaryOperator.Modulo => r ? Ok(Bool(span, false)) : new Result(null, FlowError, null),
                BinaryOperator.ShiftLeft => Ok(Bool(span, !l && r)),
                BinaryOperator.ShiftRight => Ok(Bool(span, l && !r)),
                _ => Ok(Bool(span, Compare(op, l.CompareTo(r), l, r))),
            };
        }
        var boolean = IsBoolLiteral(left) ? left : right;
        var other = ReferenceEquals(boolean, left) ? right : left;
        if (op is not (BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr) || !IsIntegerLiteral(other))
            return null;
        var (a, b) = (((BoundIntegerLiteral)left).Value != 0, ((BoundIntegerLiteral)right).Value != 0);
        return Ok(Bool(span, Compare(op, 0, a, b)));
    }

    // Strings: `+` concatenates (and a string plus an integer skips that many bytes), comparisons compare, && and ||
    // with a bool treat a string as true when not empty; anything else between two strings is the reference's error.
    private static Result? FoldString(TextSpan span, BinaryOperator op, BoundExpression left, BoundExpression right)
    {
        var str = left as BoundStringLiteral ?? (BoundStringLiteral)right;
        var other = ReferenceEquals(str, left) ? right : left;
        if (op == BinaryOperator.Add && AsInteger(other) is { IsNegative: false } skip)
        {
            var bytes = str.Bytes;
            return skip.Magnitude >= (ulong)bytes.Length
                ? new Result(new BoundStringLiteral(span, ""), null, "literal string will always be empty")
                : Ok(new BoundStringLiteral(span, Output.RawText.Decode(bytes.AsSpan((int)skip.Magnitude))));
        }
        if (IsBoolLiteral(other))
        {
            if (op is not (BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr))
                return null;
            return Ok(Bool(span, Compare(op, 0, str.Value.Length > 0, ((BoundIntegerLiteral)other).Value != 0)));
        }
        if (other is not BoundStringLiteral rs)
            return null;
        var (l, r) = ReferenceEquals(str, left) ? (str.Bytes, rs.Bytes) : (rs.Bytes, str.Bytes);
        return op switch
        {
            BinaryOperator.Add => Ok(new BoundStringLiteral(span, Output.RawText.Decode([.. l, .. r]))),
            // The reference's && and || of two strings read the right one as true when it is empty.
            BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr => Ok(Bool(span, Compare(op, 0, l.Length > 0, r.Length == 0))),
            _ when IsComparison(op) => Ok(Bool(span, Compare(op, ((ReadOnlySpan<byte>)l).SequenceCompareTo(r), false, false))),
            _ => new Result(null, "illegal literal operation with strings", null),
        };
    }
}
