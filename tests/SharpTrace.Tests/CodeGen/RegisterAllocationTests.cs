using SharpTrace.Bpf;
using SharpTrace.CodeGen;
using SharpTrace.Lowering;
using SharpTrace.Tests.Lowering;

namespace SharpTrace.Tests.CodeGen;

public sealed class RegisterAllocationTests
{
    private static readonly Reg[] CalleeSaved = [Reg.R6, Reg.R7, Reg.R8, Reg.R9];

    [Fact]
    public void AValueLiveAcrossAHelperCallIsInACalleeSavedRegister()
    {
        var ir = new IrBuilder("BEGIN");
        var before = ir.Call(HelperFunction.KtimeGetNs);
        var after = ir.Call(HelperFunction.KtimeGetNs);
        ir.Return(ir.Binary(IrBinaryOp.Sub, after, before));
        var (registers, _) = IrTranslator.Layout(ir.Build(), LoweringKit.Program());

        Assert.Contains(registers.Registers[before], CalleeSaved);
        Assert.Equal(Reg.R0, registers.Registers[after]); // a call's result not needed past another call stays in r0
        Assert.Empty(registers.Spilled);
    }

    [Fact]
    public void TheContextStaysInR1UntilACallNeedsItSaved()
    {
        var unused = new IrBuilder("BEGIN");
        unused.Return(unused.Load(new PointerAddress(unused.Context, 8), IrInt.U64));
        var (direct, _) = IrTranslator.Layout(unused.Build(), LoweringKit.Program());

        var saved = new IrBuilder("BEGIN");
        saved.CallVoid(HelperFunction.KtimeGetNs);
        saved.Return(saved.Load(new PointerAddress(saved.Context, 8), IrInt.U64));
        var (callee, _) = IrTranslator.Layout(saved.Build(), LoweringKit.Program());

        Assert.Equal(Reg.R1, direct.Registers[new VReg(0)]);
        Assert.Contains(callee.Registers[new VReg(0)], CalleeSaved);
    }

    [Fact]
    public void UnderPressureValuesAcrossCallsSpillToTheStack()
    {
        var ir = new IrBuilder("BEGIN");
        var values = Enumerable.Range(0, 6).Select(_ => ir.Call(HelperFunction.GetPrandomU32)).ToList();
        ir.CallVoid(HelperFunction.KtimeGetNs);
        var sum = values.Aggregate((Operand)new Imm(0), (total, v) => ir.Binary(IrBinaryOp.Add, total, v));
        ir.Return(sum);
        var function = ir.Build();
        var (registers, frame) = IrTranslator.Layout(function, LoweringKit.Program());

        // Four fit r6-r9; the rest live on the stack, each in its own 8 bytes.
        Assert.Equal(4, values.Count(v => registers.Registers.TryGetValue(v, out var r) && CalleeSaved.Contains(r)));
        Assert.Equal(2, registers.Spilled.Count);
        Assert.Equal(2, frame.Values.Distinct().Count());
        var code = IrTranslator.Translate(function, LoweringKit.Program());
        var spillStores = code.Instructions.Count(i => i.Opcode == (Opcodes.Stx | Opcodes.DW | Opcodes.Mem) && i.Dst == Reg.R10);
        var spillLoads = code.Instructions.Count(i => i.Opcode == (Opcodes.Ldx | Opcodes.DW | Opcodes.Mem) && i.Src == Reg.R10);
        Assert.Equal((2, 2), (spillStores, spillLoads));
    }

    [Fact]
    public void ADeepExpressionSpillsAndStillTranslates()
    {
        // (x*2 + (x*3 + (... + x))): every product is live until the innermost sum is done, none across a call.
        var script = "BEGIN { $x = 3; @r = " + Enumerable.Range(2, 64).Reverse().Aggregate("$x", (inner, k) => $"($x * {k} + {inner})") + "; }";
        var (lowered, code) = LoweringKit.Compile(script);
        var function = lowered.Probes[0].Body!;
        var (registers, _) = IrTranslator.Layout(function, lowered);

        Assert.Null(lowered.Probes[0].NotSupported);
        Assert.NotEmpty(registers.Spilled);
        var liveness = new IrLiveness(function);
        for (var position = 0; position < function.Ops.Count; position++)
        {
            var busy = registers.Registers.Where(p => liveness.Registers[p.Key] is var l && l.Start <= position && position <= l.End)
                .Select(p => p.Value).Distinct().Count();
            Assert.True(busy <= RegisterAllocator.MaxLive, $"{busy} registers hold values at {position}");
        }
        Assert.NotEmpty(code[0].Instructions);
    }

    [Fact]
    public void HelperArgumentsAreMovedWithoutClobberingEachOther()
    {
        // Arguments already in each other's registers (a cycle r1 <-> r2) still arrive in order.
        var ir = new IrBuilder("BEGIN");
        var a = ir.Call(HelperFunction.GetPrandomU32);
        var b = ir.Call(HelperFunction.GetPrandomU32);
        ir.CallVoid(HelperFunction.TracePrintk, b, a);
        ir.Return(new Imm(0));
        var code = IrTranslator.Translate(ir.Build(), LoweringKit.Program());
        var text = Disassembler.Format(code);

        // a lives across the second call (r6); b arrives in r0: r1 = b, r2 = a.
        Assert.Contains("r1 = r0", text);
        Assert.Contains("r2 = r6", text);
    }

    [Fact]
    public void AResultTakesOverTheRegisterOfAnOperandThatDiesThere()
    {
        var ir = new IrBuilder("BEGIN");
        var x = ir.Call(HelperFunction.GetPrandomU32);
        ir.Return(ir.Binary(IrBinaryOp.Add, ir.Binary(IrBinaryOp.Mul, x, new Imm(3)), new Imm(1)));
        var code = IrTranslator.Translate(ir.Build(), LoweringKit.Program());

        // call, r0 *= 3, r0 += 1, exit: no moves.
        Assert.Equal(4, code.Instructions.Count);
    }
}
