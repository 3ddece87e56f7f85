using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// What a binary operator does once its operand types are known: signedness is decided here, by the binder, so the
/// code generator needs neither the syntax's operators nor the operands' types to pick an instruction.
/// </summary>
internal enum BoundBinaryOperatorKind
{
    Add,
    Subtract,
    Multiply,
    /// <summary>Unsigned whatever the operands, as bpftrace divides: classic eBPF has no signed division.</summary>
    DivideUnsigned,
    /// <summary>Unsigned whatever the operands, as bpftrace takes a remainder.</summary>
    ModuloUnsigned,
    BitwiseAnd,
    BitwiseOr,
    BitwiseXor,
    ShiftLeft,
    /// <summary><c>&gt;&gt;</c> keeping the sign: both operands signed.</summary>
    ShiftRightArithmetic,
    /// <summary><c>&gt;&gt;</c> filling with zeros: an operand unsigned.</summary>
    ShiftRightLogical,
    Equal,
    NotEqual,
    LessSigned,
    LessUnsigned,
    LessOrEqualSigned,
    LessOrEqualUnsigned,
    GreaterSigned,
    GreaterUnsigned,
    GreaterOrEqualSigned,
    GreaterOrEqualUnsigned,
    /// <summary><c>&amp;&amp;</c>, short-circuit: the right operand is evaluated only when the left is true.</summary>
    LogicalAnd,
    /// <summary><c>||</c>, short-circuit.</summary>
    LogicalOr,
    /// <summary><c>==</c> on two strings: byte by byte up to the first NUL.</summary>
    StringEqual,
    /// <summary><c>!=</c> on two strings.</summary>
    StringNotEqual,
}

/// <summary>What a unary operator on an integer does.</summary>
internal enum BoundUnaryOperatorKind
{
    Negate,
    BitwiseNot,
    LogicalNot,
}

/// <summary>The choice of a bound operator from the syntax's operator and the operands' types.</summary>
internal static class BoundOperators
{
    /// <summary>
    /// The kind for <paramref name="op"/> applied to operands of these types (both integers, or both strings for
    /// <c>==</c> and <c>!=</c>; the binder has checked that). Comparisons and right shifts are signed only when both
    /// operands are signed, as bpftrace 0.17 compiles them.
    /// </summary>
    public static BoundBinaryOperatorKind Binary(BinaryOperator op, BpfType left, BpfType right)
    {
        if (left is StringType && right is StringType)
            return op == BinaryOperator.Equal ? BoundBinaryOperatorKind.StringEqual : BoundBinaryOperatorKind.StringNotEqual;
        var signed = IsSigned(left) && IsSigned(right);
        return op switch
        {
            BinaryOperator.Add => BoundBinaryOperatorKind.Add,
            BinaryOperator.Subtract => BoundBinaryOperatorKind.Subtract,
            BinaryOperator.Multiply => BoundBinaryOperatorKind.Multiply,
            BinaryOperator.Divide => BoundBinaryOperatorKind.DivideUnsigned,
            BinaryOperator.Modulo => BoundBinaryOperatorKind.ModuloUnsigned,
            BinaryOperator.BitwiseAnd => BoundBinaryOperatorKind.BitwiseAnd,
            BinaryOperator.BitwiseOr => BoundBinaryOperatorKind.BitwiseOr,
            BinaryOperator.BitwiseXor => BoundBinaryOperatorKind.BitwiseXor,
            BinaryOperator.ShiftLeft => BoundBinaryOperatorKind.ShiftLeft,
            BinaryOperator.ShiftRight => signed ? BoundBinaryOperatorKind.ShiftRightArithmetic : BoundBinaryOperatorKind.ShiftRightLogical,
            BinaryOperator.Equal => BoundBinaryOperatorKind.Equal,
            BinaryOperator.NotEqual => BoundBinaryOperatorKind.NotEqual,
            BinaryOperator.Less => signed ? BoundBinaryOperatorKind.LessSigned : BoundBinaryOperatorKind.LessUnsigned,
            BinaryOperator.LessOrEqual => signed ? BoundBinaryOperatorKind.LessOrEqualSigned : BoundBinaryOperatorKind.LessOrEqualUnsigned,
            BinaryOperator.Greater => signed ? BoundBinaryOperatorKind.GreaterSigned : BoundBinaryOperatorKind.GreaterUnsigned,
            BinaryOperator.GreaterOrEqual => signed ? BoundBinaryOperatorKind.GreaterOrEqualSigned : BoundBinaryOperatorKind.GreaterOrEqualUnsigned,
            BinaryOperator.LogicalAnd => BoundBinaryOperatorKind.LogicalAnd,
            BinaryOperator.LogicalOr => BoundBinaryOperatorKind.LogicalOr,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a binary operator"),
        };
    }

    /// <summary>
    /// The kind for <paramref name="op"/> on two integers computed in a type of this sign, as the newest bpftrace
    /// compiles them: comparisons signed when the type is, <c>&gt;&gt;</c> always filling with zeros (codegen_llvm.cpp's
    /// LShr), division and modulo unsigned.
    /// </summary>
    public static BoundBinaryOperatorKind Binary(BinaryOperator op, bool signed) => op switch
    {
        BinaryOperator.ShiftRight => BoundBinaryOperatorKind.ShiftRightLogical,
        BinaryOperator.Less => signed ? BoundBinaryOperatorKind.LessSigned : BoundBinaryOperatorKind.LessUnsigned,
        BinaryOperator.LessOrEqual => signed ? BoundBinaryOperatorKind.LessOrEqualSigned : BoundBinaryOperatorKind.LessOrEqualUnsigned,
        BinaryOperator.Greater => signed ? BoundBinaryOperatorKind.GreaterSigned : BoundBinaryOperatorKind.GreaterUnsigned,
        BinaryOperator.GreaterOrEqual => signed ? BoundBinaryOperatorKind.GreaterOrEqualSigned : BoundBinaryOperatorKind.GreaterOrEqualUnsigned,
        _ => Binary(op, BpfType.Int64, BpfType.UInt64),
    };

    /// <summary>The kind for a unary operator on an integer; null for <c>*</c> and <c>&amp;</c>, which are not arithmetic.</summary>
    public static BoundUnaryOperatorKind? Unary(UnaryOperator op) => op switch
    {
        UnaryOperator.Negate => BoundUnaryOperatorKind.Negate,
        UnaryOperator.BitwiseNot => BoundUnaryOperatorKind.BitwiseNot,
        UnaryOperator.LogicalNot => BoundUnaryOperatorKind.LogicalNot,
        _ => null,
    };

    /// <summary>The operator as the bound tree printer names it: the language's operator, signedness aside.</summary>
    public static string Name(BoundBinaryOperatorKind kind) => kind switch
    {
        BoundBinaryOperatorKind.DivideUnsigned => "Divide",
        BoundBinaryOperatorKind.ModuloUnsigned => "Modulo",
        BoundBinaryOperatorKind.ShiftRightArithmetic or BoundBinaryOperatorKind.ShiftRightLogical => "ShiftRight",
        BoundBinaryOperatorKind.LessSigned or BoundBinaryOperatorKind.LessUnsigned => "Less",
        BoundBinaryOperatorKind.LessOrEqualSigned or BoundBinaryOperatorKind.LessOrEqualUnsigned => "LessOrEqual",
        BoundBinaryOperatorKind.GreaterSigned or BoundBinaryOperatorKind.GreaterUnsigned => "Greater",
        BoundBinaryOperatorKind.GreaterOrEqualSigned or BoundBinaryOperatorKind.GreaterOrEqualUnsigned => "GreaterOrEqual",
        BoundBinaryOperatorKind.StringEqual => "Equal",
        BoundBinaryOperatorKind.StringNotEqual => "NotEqual",
        _ => kind.ToString(),
    };

    /// <summary>Signed for the choice of instruction; an error operand never reaches code generation.</summary>
    private static bool IsSigned(BpfType type) => type is IntegerType { IsSigned: true } or ErrorType;
}
