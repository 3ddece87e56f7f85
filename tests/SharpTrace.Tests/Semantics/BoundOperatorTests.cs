using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Tests.Semantics;

/// <summary>The binder decides what an operator does from its operand types; the code generator only follows.</summary>
public class BoundOperatorTests
{
    private static readonly BpfType Signed = BpfType.Int64;
    private static readonly BpfType Unsigned = BpfType.UInt64;

    [Theory]
    [InlineData(nameof(BinaryOperator.Less), nameof(BoundBinaryOperatorKind.LessSigned), nameof(BoundBinaryOperatorKind.LessUnsigned))]
    [InlineData(nameof(BinaryOperator.LessOrEqual), nameof(BoundBinaryOperatorKind.LessOrEqualSigned), nameof(BoundBinaryOperatorKind.LessOrEqualUnsigned))]
    [InlineData(nameof(BinaryOperator.Greater), nameof(BoundBinaryOperatorKind.GreaterSigned), nameof(BoundBinaryOperatorKind.GreaterUnsigned))]
    [InlineData(nameof(BinaryOperator.GreaterOrEqual), nameof(BoundBinaryOperatorKind.GreaterOrEqualSigned), nameof(BoundBinaryOperatorKind.GreaterOrEqualUnsigned))]
    [InlineData(nameof(BinaryOperator.ShiftRight), nameof(BoundBinaryOperatorKind.ShiftRightArithmetic), nameof(BoundBinaryOperatorKind.ShiftRightLogical))]
    public void OrderingAndRightShiftAreSignedOnlyWhenBothOperandsAre(string syntax, string signedKind, string unsignedKind)
    {
        var (op, signed, unsigned) = (Enum.Parse<BinaryOperator>(syntax), Enum.Parse<BoundBinaryOperatorKind>(signedKind), Enum.Parse<BoundBinaryOperatorKind>(unsignedKind));
        Assert.Equal(signed, BoundOperators.Binary(op, Signed, Signed));
        Assert.Equal(signed, BoundOperators.Binary(op, new IntegerType(4, true), Signed));
        Assert.Equal(unsigned, BoundOperators.Binary(op, Signed, Unsigned));
        Assert.Equal(unsigned, BoundOperators.Binary(op, new IntegerType(4, false), Signed));
        Assert.Equal(unsigned, BoundOperators.Binary(op, Unsigned, Unsigned));
    }

    [Fact]
    public void DivisionAndModuloAreUnsignedWhateverTheOperands()
    {
        Assert.Equal(BoundBinaryOperatorKind.DivideUnsigned, BoundOperators.Binary(BinaryOperator.Divide, Signed, Signed));
        Assert.Equal(BoundBinaryOperatorKind.DivideUnsigned, BoundOperators.Binary(BinaryOperator.Divide, Unsigned, Signed));
        Assert.Equal(BoundBinaryOperatorKind.ModuloUnsigned, BoundOperators.Binary(BinaryOperator.Modulo, Signed, Signed));
        Assert.Equal(BoundBinaryOperatorKind.ModuloUnsigned, BoundOperators.Binary(BinaryOperator.Modulo, Signed, Unsigned));
    }

    [Fact]
    public void PointerOperandsCompareUnsigned()
    {
        var pointer = new PointerType(SharpTrace.Semantics.CTypes.CBaseTypes.Int, false);
        Assert.Equal(BoundBinaryOperatorKind.LessUnsigned, BoundOperators.Binary(BinaryOperator.Less, pointer, Signed));
    }

    [Theory]
    [InlineData(nameof(BinaryOperator.Equal), nameof(BoundBinaryOperatorKind.StringEqual))]
    [InlineData(nameof(BinaryOperator.NotEqual), nameof(BoundBinaryOperatorKind.StringNotEqual))]
    public void TwoStringsCompareAsStrings(string syntax, string kind)
    {
        var (op, expected) = (Enum.Parse<BinaryOperator>(syntax), Enum.Parse<BoundBinaryOperatorKind>(kind));
        Assert.Equal(expected, BoundOperators.Binary(op, new StringType(16), new StringType(64)));
        Assert.NotEqual(expected, BoundOperators.Binary(op, Signed, Signed));
    }

    [Fact]
    public void OnlyArithmeticUnaryOperatorsHaveAKind()
    {
        Assert.Equal(BoundUnaryOperatorKind.Negate, BoundOperators.Unary(UnaryOperator.Negate));
        Assert.Equal(BoundUnaryOperatorKind.BitwiseNot, BoundOperators.Unary(UnaryOperator.BitwiseNot));
        Assert.Equal(BoundUnaryOperatorKind.LogicalNot, BoundOperators.Unary(UnaryOperator.LogicalNot));
        Assert.Null(BoundOperators.Unary(UnaryOperator.Dereference));
        Assert.Null(BoundOperators.Unary(UnaryOperator.AddressOf));
    }

    [Fact]
    public void BinderPicksTheKindFromTheOperandTypes()
    {
        // bpftrace 0.17 prints 1 for `(uint64)1 < -1`: an unsigned operand makes the comparison unsigned. The newest
        // (followed here, docs/differences.md) compares in int64, the type holding both, with its "being cast"
        // warning over $u, and its >> always shifts in zeros (0.17: the sign, for signed operands).
        var (program, diagnostics) = SemanticKit.Bind(
            """BEGIN { $u = (uint64)1; $s = -1; @a = $u < $s; @b = $s < 1; @c = $s >> 1; @d = $u >> 1; @e = $s / 2; @f = comm == "sh"; }""");
        Assert.Equal(["Expression of type: uint64 being cast to type: int64. This may cause unexpected results. Use an explicit cast to suppress this warning."],
            diagnostics.Select(d => d.Message));

        var kinds = program!.Probes[0].Body.Statements.OfType<BoundMapAssign>()
            .ToDictionary(a => a.Map.Name, a => ((BoundBinary)a.Value).Operator);
        Assert.Equal(BoundBinaryOperatorKind.LessSigned, kinds["@a"]);
        Assert.Equal(BoundBinaryOperatorKind.LessSigned, kinds["@b"]);
        Assert.Equal(BoundBinaryOperatorKind.ShiftRightLogical, kinds["@c"]);
        Assert.Equal(BoundBinaryOperatorKind.ShiftRightLogical, kinds["@d"]);
        Assert.Equal(BoundBinaryOperatorKind.DivideUnsigned, kinds["@e"]);
        Assert.Equal(BoundBinaryOperatorKind.StringEqual, kinds["@f"]);
    }

    [Fact]
    public void TargetPidFilterIsAnIntegerEqualityJoinedToThePredicate()
    {
        var (program, diagnostics) = SemanticKit.Bind("tracepoint:syscalls:sys_enter_openat /cpu == 0/ { @ = 1; }", new ProgramConfig { TargetPid = 42 });
        Assert.Empty(diagnostics);

        var predicate = Assert.IsType<BoundBinary>(program!.Probes[0].Predicate);
        Assert.Equal(BoundBinaryOperatorKind.LogicalAnd, predicate.Operator);
        Assert.Equal(BoundBinaryOperatorKind.Equal, Assert.IsType<BoundBinary>(predicate.Left).Operator);
    }
}
