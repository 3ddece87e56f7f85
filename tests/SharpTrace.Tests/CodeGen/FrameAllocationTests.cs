using SharpTrace.Bpf;
using SharpTrace.CodeGen;
using SharpTrace.Lowering;
using SharpTrace.Tests.Lowering;

namespace SharpTrace.Tests.CodeGen;

public sealed class FrameAllocationTests
{
    [Fact]
    public void SlotsWhoseLifetimesDoNotOverlapShareTheirBytes()
    {
        var a = new Slot(0, 16);
        var b = new Slot(1, 8);
        var c = new Slot(2, 12);
        var (offsets, size) = FrameAllocator.Allocate(new Dictionary<Slot, LiveInterval>
        {
            [a] = new(0, 3),
            [b] = new(2, 5), // overlaps a
            [c] = new(4, 6), // overlaps b only: reuses a's bytes
        });

        Assert.Equal(-16, offsets[a]);
        Assert.Equal(-24, offsets[b]);
        Assert.Equal(-16, offsets[c]); // 12 bytes rounded up to 16, where a was
        Assert.Equal(24, size);
    }

    [Fact]
    public void MapKeysOfSuccessiveStatementsReuseOneSlot()
    {
        var (lowered, _) = LoweringKit.Compile("BEGIN { @a = 1; @b = 2; @c = 3; }");
        var function = lowered.Probes[0].Body!;
        var (_, frame) = IrTranslator.Layout(function, lowered);

        // Each statement's key and value (8 bytes each) and the counter key; three statements fit the frame of one.
        Assert.Equal(6, function.Slots.Count);
        Assert.Equal(3, frame.Values.Distinct().Count());
    }

    [Fact]
    public void AFrameOverTheStackLimitKeepsItsLargestSlotsInAScratchEntry()
    {
        var ir = new IrBuilder("BEGIN");
        var big = ir.NewSlot(300);
        var other = ir.NewSlot(300);
        var small = ir.NewSlot(16);
        ir.Zero(big, 0, 300);
        ir.Zero(other, 0, 300);
        ir.Zero(small, 0, 16);
        ir.Emit(new MapUpdateOp(LoweringKit.Map, new StackAddress(big), new StackAddress(other), 0));
        ir.Emit(new MapUpdateOp(LoweringKit.Map, new StackAddress(small), new StackAddress(small), 0));
        ir.Return(new Imm(0));
        var scratch = new ScratchSpace();

        var code = IrTranslator.Translate(ir.Build(), LoweringKit.Program(), scratch);

        // Both 300-byte slots (rounded to 304) live at once in the entry; the 16-byte one stays on the stack.
        Assert.Equal((1, 608), (scratch.Entries, scratch.ValueSize));
        Assert.Equal(scratch.Ref, code.MapRelocations[0].Map);
        Assert.Equal(HelperFunction.MapLookupElem, (HelperFunction)code.Instructions.First(i => i.Opcode == (Opcodes.Jmp | Opcodes.Call)).Imm);
        Assert.All(code.Instructions.Where(i => i.Dst == Reg.R10 || i.Src == Reg.R10), i => Assert.InRange(i.Offset, -32, 0));
    }

    [Fact]
    public void EachFunctionThatNeedsScratchHasItsOwnEntry()
    {
        var (lowered, code) = LoweringKit.Compile(
            "config = { max_strlen = 1024 } BEGIN { let $a: string[1024] = \"1\"; let $b: string[1024] = \"2\"; @m[$a] = $b; for ($kv : @m) { printf(\"%s %s\\n\", $kv.0, $kv.1); } }");

        // The probe's frame and the loop body's each hold two 1024-byte strings: each looks up its own entry (0, then 1).
        var entries = code[0].MapRelocations
            .Where(r => r.Map.Name == "scratch")
            .Select(r => code[0].Instructions[r.InstructionIndex - 1])
            .Select(key => (key.Opcode == (Opcodes.St | Opcodes.W | Opcodes.Mem), key.Dst, key.Imm))
            .ToList();
        Assert.Equal([(true, Reg.R10, 0), (true, Reg.R10, 1)], entries);
        Assert.NotNull(lowered.Probes[0].Body);
    }

    [Fact]
    public void AFunctionNeedingMoreThanOneScratchEntryHoldsSpreadsItsSlotsOverSeveral()
    {
        // The newest's runtime/call "str_big_for" at max_strlen 9999: the probe holds the key and value strings, the
        // loop body the (string, string) tuple and its print record, past the 32 KiB a per-CPU value may hold. Each
        // entry stays within it and each function looks up every entry it uses.
        var (_, code) = LoweringKit.Compile(
            "config = { max_strlen = 9999 } kprobe:f { @map[str(arg0)] = str(arg0); for ($kv : @map) { print($kv); } }");

        var entries = code[0].MapRelocations
            .Where(r => r.Map.Name == "scratch")
            .Select(r => code[0].Instructions[r.InstructionIndex - 1].Imm)
            .ToList();
        Assert.True(entries.Count > 2, $"entries looked up: {string.Join(", ", entries)}");
        Assert.Equal(entries.Count, entries.Distinct().Count());
    }

    [Fact]
    public void AnOrdinaryProgramNeedsNoScratch()
    {
        // 64-byte strings (bpftrace 0.17's max_strlen) fit the stack; the 1024-byte default ones cannot.
        var (_, code) = LoweringKit.Compile("config = { max_strlen = 64 } BEGIN { $s = str(1); @m[$s] = 1; print($s); printf(\"%s\\n\", $s); }");

        Assert.DoesNotContain(code[0].MapRelocations, r => r.Map.Name == "scratch");
    }

    [Fact]
    public void AProgramPastTheJumpRangeIsAnErrorAtItsProbe()
    {
        // A conditional jump over 1,500 map updates (some 45,000 instructions) cannot be encoded in BPF's 16 bits.
        var body = string.Join(' ', Enumerable.Range(0, 1500).Select(i => $"@a = @a + {i};"));
        var result = Compilation.Compile(new SharpTrace.Syntax.SourceText($"BEGIN {{ if (pid > 0) {{ {body} }} }}", "test.bt"), Tests.Semantics.SemanticKit.Tracepoints, null, Tests.Semantics.SemanticKit.Kernel);

        Assert.Null(result.Program);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.StartsWith("begin: the program is too large for BPF (jump from ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralDefaultSizedStringsLiveInTheScratchEntry()
    {
        // max_strlen is 1024 by default: a tuple of two strings, a string-keyed map and a printf of three str() is
        // far more than the 512-byte stack, and must still compile.
        var (_, code) = LoweringKit.Compile("""
            kprobe:f { $a = str(arg0); $b = str(arg1); @t[$a, $b] = ($b, $a); @m[str(arg2)] = $a;
              printf("%s %s %s\n", str(arg0), str(arg1), str(arg2)); }
            """);

        Assert.Contains(code[0].MapRelocations, r => r.Map.Name == "scratch");
    }

    [Fact]
    public void ACallbackContextOverTheStackLimitIsACompileError()
    {
        // The kernel takes a callback's context only on the stack: it cannot move to the scratch entry.
        var ir = new IrBuilder("BEGIN");
        var context = ir.NewSlot(600);
        ir.Zero(context, 0, 600);
        var body = new IrBuilder("callback");
        body.Return(new Imm(0));
        ir.Emit(new LoopCallOp(new Imm(1), new IrCallback(body.Build(), []), new StackAddress(context)));
        ir.Return(new Imm(0));

        var e = Assert.Throws<CompileException>(() => IrTranslator.Translate(ir.Build(), LoweringKit.Program()));
        Assert.Contains("more than 512 bytes of BPF stack", e.Message);
    }
}
