using SharpTrace.Bpf;
using SharpTrace.CodeGen;
using SharpTrace.Lowering;

namespace SharpTrace.Tests.Lowering;

public sealed class LoopLoweringTests
{
    [Theory]
    [InlineData("BEGIN { $i = 0; while ($i < 5) { $i++; if ($i == 3) { break; } } @i = $i; }")]
    [InlineData("BEGIN { $t = 0; for ($i : 0..10) { if ($i == 3) { continue; } $t += $i; } @t = $t; }")]
    [InlineData("BEGIN { @m[1] = 2; $n = 0; for ($kv : @m) { $n++; } @n = $n; }")]
    [InlineData("BEGIN { @m[1] = 2; @c[1] = count(); @h[1] = hist(3); @x = has_key(@m, 1) + len(@m) + @c[1]; delete(@h[1]); zero(@c); clear(@m); }")]
    [InlineData("let @a = percpuarray(4); BEGIN { @a[1] = count(); @n = len(@a) + has_key(@a, 2); for ($kv : @a) { @k = 1; } delete(@a[1]); clear(@a); }")]
    [InlineData("BEGIN { @m[1] = 1; for ($kv : @m) { if (@m[1] == 2) { return; } exit(); } }")]
    public void LoopsAndMapWalksLowerAndTranslate(string script)
    {
        var (lowered, _) = LoweringKit.Compile(script);

        Assert.All(lowered.Probes, p => Assert.Null(p.NotSupported));
    }

    [Fact]
    public void AWhileLoopJumpsBackToItsTest()
    {
        var ir = LoweringKit.Ir("BEGIN { $i = 0; while ($i < 5) { $i++; } @i = $i; }");

        Assert.Contains("while1:\n  if %1 s>= 5 goto endwhile2\n", ir);
        Assert.Contains("  goto while1\nendwhile2:\n", ir);
    }

    [Fact]
    public void AMapWalkCallbackIsOneFunctionPrintedAfterTheProbe()
    {
        var ir = LoweringKit.Ir("BEGIN { @m[1] = 1; @x = len(@m) + len(@m); clear(@m); }");

        Assert.Equal(2, ir.Split("walk map[@m], continue_callback(%0), 0").Length - 1);
        Assert.Equal(1, ir.Split("callback continue_callback:").Length - 1);
        Assert.Contains("callback clear_callback:\n  call bpf_map_delete_elem(%0, %1)\n  return 0\n", ir);
    }

    [Fact]
    public void ACountReadsAsItsTotalOverEveryCpu()
    {
        var ir = LoweringKit.Ir("BEGIN { @c = count(); @x = (uint64)@c; }");

        Assert.Contains("lookup.percpu map[@c]", ir);
        Assert.Contains("next.cpu", ir);
    }

    [Fact]
    public void AValueUsedInALoopLivesOverTheWholeLoop()
    {
        // outer is defined before the loop and last used inside it: the next iteration needs it again.
        var ir = new IrBuilder("BEGIN");
        var i = ir.NewRegister();
        ir.Emit(new MoveOp(i, new Imm(0)));
        var outer = ir.Call(HelperFunction.GetPrandomU32);
        var head = ir.NewLabel("loop");
        var end = ir.NewLabel("end");
        ir.Mark(head);
        ir.Branch(IrCondition.Ge, i, new Imm(4), end);
        var step = ir.Binary(IrBinaryOp.Add, i, outer);
        ir.Emit(new MoveOp(i, step));
        ir.CallVoid(HelperFunction.KtimeGetNs);
        ir.Goto(head);
        ir.Mark(end);
        ir.Return(i);
        var function = ir.Build();
        var liveness = new IrLiveness(function);
        var back = function.Ops.ToList().FindIndex(o => o is GotoOp);

        Assert.True(liveness.Registers[outer].End >= back);
        Assert.True(liveness.CrossesCall(outer));
        Assert.True(liveness.Registers[(VReg)step].End < back); // a value of one iteration keeps its interval
        var (registers, _) = IrTranslator.Layout(function, LoweringKit.Program());
        Assert.NotEqual(registers.Registers[outer], registers.Registers[i]);
    }

    [Fact]
    public void ACallbackNamedTwiceIsTranslatedOnce()
    {
        var callbackIr = new IrBuilder("walk_callback");
        callbackIr.Return(new Imm(0));
        var callback = new IrCallback(callbackIr.Build(), [callbackIr.Context]);
        var ir = new IrBuilder("BEGIN");
        ir.Emit(new MapWalkOp(null, LoweringKit.Map, callback, new Imm(0)));
        ir.Emit(new MapWalkOp(null, LoweringKit.Map, callback, new Imm(0)));
        ir.Return(new Imm(0));
        var function = ir.Build();

        var code = IrTranslator.Translate(function, LoweringKit.Program(function));

        Assert.Single(code.Subprograms);
        Assert.Equal(2, code.Instructions.Count(i => i.Opcode == (Opcodes.Jmp | Opcodes.Call) && i.Imm == (int)HelperFunction.ForEachMapElem));
    }
}
