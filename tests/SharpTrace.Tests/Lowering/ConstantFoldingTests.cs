using SharpTrace.Lowering;

namespace SharpTrace.Tests.Lowering;

public sealed class ConstantFoldingTests
{
    [Theory]
    [InlineData("Add", 2, 3, 5)]
    [InlineData("Sub", 2, 3, -1)]
    [InlineData("Mul", -4, 3, -12)]
    [InlineData("Div", -1, 2, long.MaxValue)] // unsigned, as the eBPF instruction divides
    [InlineData("Div", 7, 0, 0)] // eBPF: division by zero gives 0
    [InlineData("Mod", 7, 0, 7)] // and modulo by zero the dividend
    [InlineData("Shl", 1, 65, 2)] // shift counts are taken modulo 64
    [InlineData("Shr", -8, 1, long.MaxValue - 3)]
    [InlineData("SignedShr", -8, 1, -4)]
    public void ConstantsFoldAsEbpfComputes(string operation, long a, long b, long expected)
    {
        var op = Enum.Parse<IrBinaryOp>(operation);
        var ir = new IrBuilder("BEGIN");

        Assert.Equal(new Imm(expected), ir.Binary(op, new Imm(a), new Imm(b)));
        Assert.Empty(ir.Build().Ops);
    }

    [Fact]
    public void IdentitiesEmitNothing()
    {
        var ir = new IrBuilder("BEGIN");
        var x = ir.NewRegister();

        Assert.Same(x, ir.Binary(IrBinaryOp.Add, x, new Imm(0)));
        Assert.Same(x, ir.Binary(IrBinaryOp.Mul, x, new Imm(1)));
        Assert.Same(x, ir.Binary(IrBinaryOp.Or, new Imm(0), x));
        Assert.Empty(ir.Build().Ops);
    }

    [Fact]
    public void ABranchOnConstantsIsAJumpOrNothing()
    {
        var ir = new IrBuilder("BEGIN");
        var target = ir.NewLabel("t");
        ir.Branch(IrCondition.Lt, new Imm(1), new Imm(2), target); // always: a jump
        ir.Return(new Imm(1)); // unreachable: dropped
        ir.Mark(target);
        ir.Branch(IrCondition.Slt, new Imm(1), new Imm(-2), target); // never: nothing
        ir.Return(new Imm(0));

        // The jump lands on the next operation, so it goes too.
        Assert.Equal(["return 0"], ir.Build().Ops.Select(IrPrinter.Format));
    }

    [Fact]
    public void ScriptArithmeticOnLiteralsIsOneConstant()
    {
        var text = LoweringKit.Ir("BEGIN { @x = (2 * 3 + 1) << 2; if (1 > 2) { @y = 1; } }");

        Assert.Contains("store.u64 $s0, 28", text); // an int8 value, stored with its 8-byte slot zero-extended in one store
        Assert.DoesNotContain("@y", text);
        Assert.DoesNotContain(" * ", text);
    }
}
