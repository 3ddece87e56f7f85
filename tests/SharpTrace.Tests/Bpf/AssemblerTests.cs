using SharpTrace.Bpf;

namespace SharpTrace.Tests.Bpf;

public class AssemblerTests
{
    [Fact]
    public void ForwardJumpOffsetCountsFromTheNextInstruction()
    {
        var asm = new Assembler();
        var done = asm.NewLabel("done");
        asm.JumpIf(JumpOp.Eq, Reg.R1, 0, done) // 0
           .Mov(Reg.R0, 1)                     // 1
           .Mov(Reg.R0, 2)                     // 2
           .Mark(done)
           .Exit();                            // 3
        var code = asm.Assemble().Instructions;
        Assert.Equal(2, code[0].Offset); // 3 - (0 + 1)
    }

    [Fact]
    public void BackwardJumpOffsetIsNegative()
    {
        var asm = new Assembler();
        var top = asm.NewLabel("top");
        asm.Mov(Reg.R0, 0)                     // 0
           .Mark(top)
           .Alu(AluOp.Add, Reg.R0, 1)          // 1
           .JumpIf(JumpOp.Lt, Reg.R0, 10, top) // 2
           .Exit();                            // 3
        Assert.Equal(-2, asm.Assemble().Instructions[2].Offset); // 1 - (2 + 1)
    }

    [Fact]
    public void WideLoadsCountAsTwoInstructionsInOffsets()
    {
        var asm = new Assembler();
        var done = asm.NewLabel("done");
        asm.Jump(done)                  // 0
           .LoadImm64(Reg.R1, 1L << 40) // 1, 2
           .Mark(done)
           .Exit();                     // 3
        Assert.Equal(2, asm.Assemble().Instructions[0].Offset);
    }

    [Fact]
    public void SubprogramCallsAndCallbacksResolveToRelativeImmediates()
    {
        var asm = new Assembler();
        var callback = asm.NewLabel("callback");
        var helper = asm.NewLabel("helper");
        asm.LoadFunctionAddress(Reg.R2, callback) // 0, 1
           .CallSubprogram(helper)                // 2
           .Exit()                                // 3
           .Mark(helper)
           .Mov(Reg.R0, 0)                        // 4
           .Exit()                                // 5
           .Mark(callback)
           .Mov(Reg.R0, 1)                        // 6
           .Exit();                               // 7
        var program = asm.Assemble();

        Assert.Equal(Opcodes.LoadImm64, program.Instructions[0].Opcode);
        Assert.Equal((Reg)Opcodes.PseudoFunc, program.Instructions[0].Src);
        Assert.Equal(5, program.Instructions[0].Imm); // 6 - (0 + 1)
        Assert.Equal((Reg)Opcodes.PseudoCall, program.Instructions[2].Src);
        Assert.Equal(1, program.Instructions[2].Imm); // 4 - (2 + 1)
        Assert.Equal([new Subprogram(4, helper), new Subprogram(6, callback)], program.Subprograms);
    }

    [Fact]
    public void SubprogramCalledTwiceIsListedOnce()
    {
        var asm = new Assembler();
        var f = asm.NewLabel("f");
        asm.CallSubprogram(f).CallSubprogram(f).Exit().Mark(f).Mov(Reg.R0, 0).Exit();
        var program = asm.Assemble();
        Assert.Equal([new Subprogram(3, f)], program.Subprograms);
        Assert.Equal(2, program.Instructions[0].Imm);
        Assert.Equal(1, program.Instructions[1].Imm);
    }

    [Fact]
    public void LinkPatchesMapFdsAndKeepsValueOffsets()
    {
        var counts = new MapRef("@counts");
        var strings = new MapRef("strings");
        var asm = new Assembler();
        asm.LoadMapFd(Reg.R1, counts)          // 0, 1
           .LoadMapValue(Reg.R2, strings, 16)  // 2, 3
           .LoadMapFd(Reg.R3, counts)          // 4, 5
           .Mov(Reg.R0, 0)
           .Exit();
        var program = asm.Assemble();
        Assert.Equal(
            [new MapRelocation(0, counts), new MapRelocation(2, strings), new MapRelocation(4, counts)],
            program.MapRelocations);

        var raw = program.Link(map => map == counts ? 7 : 9);
        var code = raw.Select(Instruction.Decode).ToArray();
        Assert.Equal(7, code[0].Imm);
        Assert.Equal((Reg)Opcodes.PseudoMapFd, code[0].Src);
        Assert.Equal(0, code[1].Imm);
        Assert.Equal(9, code[2].Imm);
        Assert.Equal((Reg)Opcodes.PseudoMapValue, code[2].Src);
        Assert.Equal(16, code[3].Imm);
        Assert.Equal(7, code[4].Imm);
        // Linking does not change the assembled program.
        Assert.Equal(0, program.Instructions[0].Imm);
    }

    [Fact]
    public void MapRefsWithTheSameNameAreTheSameMap()
    {
        var asm = new Assembler();
        asm.LoadMapFd(Reg.R1, new MapRef("@x")).Mov(Reg.R0, 0).Exit();
        var fds = new Dictionary<MapRef, int> { [new MapRef("@x")] = 5 };
        Assert.Equal(5, Instruction.Decode(asm.Assemble().Link(m => fds[m])[0]).Imm);
    }

    [Fact]
    public void LabelHintsAreMadeUnique()
    {
        var asm = new Assembler();
        Assert.Equal("loop", asm.NewLabel("loop").Name);
        Assert.Equal("loop_2", asm.NewLabel("loop").Name);
        Assert.Equal("loop_3", asm.NewLabel("loop").Name);
    }

    [Fact]
    public void UndefinedLabelIsReported()
    {
        var asm = new Assembler();
        var nowhere = asm.NewLabel("nowhere");
        asm.Jump(nowhere).Exit();
        var e = Assert.Throws<AssemblerException>(() => asm.Assemble());
        Assert.Equal("label 'nowhere' is used at instruction 0 but never marked", e.Message);
    }

    [Fact]
    public void LabelAtTheEndOfTheProgramIsReported()
    {
        var asm = new Assembler();
        var end = asm.NewLabel("end");
        asm.Jump(end).Exit().Mark(end);
        var e = Assert.Throws<AssemblerException>(() => asm.Assemble());
        Assert.Contains("marks the end of the program", e.Message);
    }

    [Fact]
    public void LabelMarkedTwiceIsReported()
    {
        var asm = new Assembler();
        var l = asm.NewLabel("l");
        asm.Mark(l).Exit();
        Assert.Throws<AssemblerException>(() => asm.Mark(l));
    }

    [Fact]
    public void LabelOfAnotherAssemblerIsRejected()
    {
        var other = new Assembler().NewLabel("x");
        Assert.Throws<AssemblerException>(() => new Assembler().Jump(other));
    }

    [Fact]
    public void JumpBeyondSixteenBitsIsReported()
    {
        var asm = new Assembler();
        var far = asm.NewLabel("far");
        asm.Jump(far);
        for (var i = 0; i < short.MaxValue + 1; i++)
            asm.Mov(Reg.R0, i);
        asm.Mark(far).Exit();
        var e = Assert.Throws<AssemblerException>(() => asm.Assemble());
        Assert.Contains("beyond the 16-bit offset", e.Message);
    }

    [Fact]
    public void JumpOfExactlyShortMaxValueIsAccepted()
    {
        var asm = new Assembler();
        var far = asm.NewLabel("far");
        asm.Jump(far);
        for (var i = 0; i < short.MaxValue; i++)
            asm.Mov(Reg.R0, i);
        asm.Mark(far).Exit();
        Assert.Equal(short.MaxValue, asm.Assemble().Instructions[0].Offset);
    }

    [Fact]
    public void ProgramOverAMillionInstructionsIsReported()
    {
        var asm = new Assembler();
        for (var i = 0; i < Opcodes.MaxInstructions; i++)
            asm.Mov(Reg.R0, 0);
        asm.Exit();
        var e = Assert.Throws<AssemblerException>(() => asm.Assemble());
        Assert.Contains("1000001 instructions", e.Message);
    }

    [Fact]
    public void JumpIntoAnotherFunctionIsReported()
    {
        var asm = new Assembler();
        var f = asm.NewLabel("f");
        var inside = asm.NewLabel("inside");
        asm.CallSubprogram(f).Jump(inside).Exit()
           .Mark(f).Mov(Reg.R0, 0).Mark(inside).Exit();
        var e = Assert.Throws<AssemblerException>(() => asm.Assemble());
        Assert.Contains("leaves its function", e.Message);
    }

    [Fact]
    public void FunctionFallingIntoTheNextIsReported()
    {
        var asm = new Assembler();
        var f = asm.NewLabel("f");
        asm.CallSubprogram(f).Mov(Reg.R0, 0) // main falls through into f
           .Mark(f).Mov(Reg.R0, 1).Exit();
        var e = Assert.Throws<AssemblerException>(() => asm.Assemble());
        Assert.Equal("the program does not end in exit or goto (instruction 1)", e.Message);
    }

    [Fact]
    public void AtomicAddOnBytesIsRejected() =>
        Assert.Throws<AssemblerException>(() => new Assembler().AtomicAdd(Size.U8, Reg.R1, 0, Reg.R2));

    [Fact]
    public void CountAdvancesByTwoForWideLoads()
    {
        var asm = new Assembler();
        asm.Mov(Reg.R0, 0).LoadImm64(Reg.R1, 5);
        Assert.Equal(3, asm.Count);
    }
}
