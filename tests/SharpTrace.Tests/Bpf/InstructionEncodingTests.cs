using SharpTrace.Bpf;

namespace SharpTrace.Tests.Bpf;

/// <summary>
/// Encodings checked against bytes worked out by hand from linux/bpf.h, bpf_common.h and the instruction macros of
/// the kernel's samples and selftests (include/linux/filter.h: BPF_MOV64_IMM, BPF_STX_MEM, BPF_LD_MAP_FD, ...).
/// struct bpf_insn is { u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm; }, little-endian.
/// </summary>
public class InstructionEncodingTests
{
    private static string Hex(ulong slot) => string.Join(' ', BitConverter.GetBytes(slot).Select(b => b.ToString("x2")));

    private static string[] Encode(Action<Assembler> emit)
    {
        var asm = new Assembler();
        emit(asm);
        asm.Exit();
        var raw = asm.Assemble().Link(map => map.Name == "@x" ? 3 : 4);
        return raw.Take(raw.Length - 1).Select(Hex).ToArray();
    }

    [Theory]
    // Values straight from the headers: class | op | source, class | size | mode.
    [InlineData(0x07 | 0xb0 | 0x00, 0xb7)] // BPF_ALU64 | BPF_MOV | BPF_K
    [InlineData(0x07 | 0xb0 | 0x08, 0xbf)] // BPF_ALU64 | BPF_MOV | BPF_X
    [InlineData(0x04 | 0xb0 | 0x00, 0xb4)] // BPF_ALU | BPF_MOV | BPF_K
    [InlineData(0x01 | 0x00 | 0x60, 0x61)] // BPF_LDX | BPF_W | BPF_MEM
    [InlineData(0x03 | 0x18 | 0x60, 0x7b)] // BPF_STX | BPF_DW | BPF_MEM
    [InlineData(0x03 | 0x18 | 0xc0, 0xdb)] // BPF_STX | BPF_DW | BPF_ATOMIC
    [InlineData(0x00 | 0x18 | 0x00, 0x18)] // BPF_LD | BPF_DW | BPF_IMM
    [InlineData(0x05 | 0x80, 0x85)]        // BPF_JMP | BPF_CALL
    [InlineData(0x05 | 0x90, 0x95)]        // BPF_JMP | BPF_EXIT
    public void OpcodeConstantsComposeLikeTheHeaderMacros(int fromHeader, int expected) =>
        Assert.Equal(expected, fromHeader);

    [Fact]
    public void OpcodeConstantsHaveTheHeaderValues()
    {
        Assert.Equal(0xb7, Opcodes.Alu64 | Opcodes.Mov | Opcodes.K);
        Assert.Equal(0x7b, Opcodes.Stx | Opcodes.DW | Opcodes.Mem);
        Assert.Equal(0x18, Opcodes.LoadImm64);
        Assert.Equal(0x06, Opcodes.Jmp32);
        Assert.Equal(0xc0, Opcodes.Atomic);
        Assert.Equal(0xe1, Opcodes.Xchg);
        Assert.Equal(0xf1, Opcodes.CmpXchg);
        Assert.Equal(1, Opcodes.PseudoMapFd);
        Assert.Equal(2, Opcodes.PseudoMapValue);
        Assert.Equal(1, Opcodes.PseudoCall);
        Assert.Equal(4, Opcodes.PseudoFunc);
        Assert.Equal(10, (int)Reg.R10);
    }

    [Fact]
    public void HelperIdsFollowTheKernelList()
    {
        Assert.Equal(1, (int)HelperFunction.MapLookupElem);
        Assert.Equal(2, (int)HelperFunction.MapUpdateElem);
        Assert.Equal(3, (int)HelperFunction.MapDeleteElem);
        Assert.Equal(5, (int)HelperFunction.KtimeGetNs);
        Assert.Equal(14, (int)HelperFunction.GetCurrentPidTgid);
        Assert.Equal(16, (int)HelperFunction.GetCurrentComm);
        Assert.Equal(112, (int)HelperFunction.ProbeReadUser);
        Assert.Equal(113, (int)HelperFunction.ProbeReadKernel);
        Assert.Equal(130, (int)HelperFunction.RingbufOutput);
        Assert.Equal(164, (int)HelperFunction.ForEachMapElem);
        Assert.Equal(181, (int)HelperFunction.Loop);
        Assert.Equal("bpf_map_lookup_elem", HelperFunction.MapLookupElem.KernelName());
        Assert.Equal("bpf_get_current_pid_tgid", HelperFunction.GetCurrentPidTgid.KernelName());
        Assert.Equal("bpf_for_each_map_elem", HelperFunction.ForEachMapElem.KernelName());
        Assert.Equal("bpf_user_ringbuf_drain", HelperFunctions.NameOf(209)); // last in the installed header
        Assert.Null(HelperFunctions.NameOf(-1));
    }

    [Fact]
    public void SlotLayoutPutsDstInTheLowNibble()
    {
        var insn = new Instruction(0x7b, Reg.R10, Reg.R1, -8, 0);
        Assert.Equal("7b 1a f8 ff 00 00 00 00", Hex(insn.Encode()));
        Assert.Equal(insn, Instruction.Decode(insn.Encode()));
    }

    [Fact]
    public void DecodeRoundTripsEveryField()
    {
        var insn = new Instruction(0x18, Reg.R9, (Reg)4, short.MinValue, int.MinValue);
        Assert.Equal(insn, Instruction.Decode(insn.Encode()));
        var other = new Instruction(0xff, Reg.R0, Reg.R10, short.MaxValue, -1);
        Assert.Equal(other, Instruction.Decode(other.Encode()));
    }

    [Fact]
    public void MovesAndAluMatchTheKernelMacros()
    {
        Assert.Equal(
            [
                "b7 00 00 00 00 00 00 00", // BPF_MOV64_IMM(BPF_REG_0, 0)
                "bf a1 00 00 00 00 00 00", // BPF_MOV64_REG(BPF_REG_1, BPF_REG_10)
                "b4 02 00 00 05 00 00 00", // BPF_MOV32_IMM(BPF_REG_2, 5)
                "bc 32 00 00 00 00 00 00", // BPF_MOV32_REG(BPF_REG_2, BPF_REG_3)
                "07 01 00 00 f8 ff ff ff", // BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8)
                "6f 21 00 00 00 00 00 00", // BPF_ALU64_REG(BPF_LSH, BPF_REG_1, BPF_REG_2)
                "c7 01 00 00 20 00 00 00", // BPF_ALU64_IMM(BPF_ARSH, BPF_REG_1, 32)
                "1c 21 00 00 00 00 00 00", // BPF_ALU32_REG(BPF_SUB, BPF_REG_1, BPF_REG_2)
                "54 01 00 00 ff 00 00 00", // BPF_ALU32_IMM(BPF_AND, BPF_REG_1, 255)
                "87 01 00 00 00 00 00 00", // BPF_ALU64_IMM(BPF_NEG, BPF_REG_1, 0)
                "84 01 00 00 00 00 00 00", // BPF_ALU32_IMM(BPF_NEG, BPF_REG_1, 0)
                "dc 01 00 00 10 00 00 00", // BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16)
            ],
            Encode(a => a
                .Mov(Reg.R0, 0).Mov(Reg.R1, Reg.R10).Mov32(Reg.R2, 5).Mov32(Reg.R2, Reg.R3)
                .Alu(AluOp.Add, Reg.R1, -8).Alu(AluOp.Lsh, Reg.R1, Reg.R2).Alu(AluOp.Arsh, Reg.R1, 32)
                .Alu32(AluOp.Sub, Reg.R1, Reg.R2).Alu32(AluOp.And, Reg.R1, 255)
                .Neg(Reg.R1).Neg32(Reg.R1).ToBigEndian(Reg.R1, 16)));
    }

    [Fact]
    public void LoadsAndStoresMatchTheKernelMacros()
    {
        Assert.Equal(
            [
                "61 12 04 00 00 00 00 00", // BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 4)
                "79 12 00 00 00 00 00 00", // BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0)
                "69 12 02 00 00 00 00 00", // BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_1, 2)
                "71 12 01 00 00 00 00 00", // BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_1, 1)
                "7b 1a f8 ff 00 00 00 00", // BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8)
                "63 1a fc ff 00 00 00 00", // BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -4)
                "6b 1a fe ff 00 00 00 00", // BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, -2)
                "73 1a ff ff 00 00 00 00", // BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, -1)
                "62 0a fc ff 00 00 00 00", // BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0)
                "7a 0a f0 ff 2a 00 00 00", // BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 42)
                "db 21 08 00 00 00 00 00", // BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_2, 8)
                "c3 21 00 00 00 00 00 00", // BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_1, BPF_REG_2, 0)
            ],
            Encode(a => a
                .Load(Size.U32, Reg.R2, Reg.R1, 4).Load(Size.U64, Reg.R2, Reg.R1, 0)
                .Load(Size.U16, Reg.R2, Reg.R1, 2).Load(Size.U8, Reg.R2, Reg.R1, 1)
                .Store(Size.U64, Reg.R10, -8, Reg.R1).Store(Size.U32, Reg.R10, -4, Reg.R1)
                .Store(Size.U16, Reg.R10, -2, Reg.R1).Store(Size.U8, Reg.R10, -1, Reg.R1)
                .StoreImm(Size.U32, Reg.R10, -4, 0).StoreImm(Size.U64, Reg.R10, -16, 42)
                .AtomicAdd(Size.U64, Reg.R1, 8, Reg.R2).AtomicAdd(Size.U32, Reg.R1, 0, Reg.R2)));
    }

    [Fact]
    public void WideLoadsTakeTwoSlots()
    {
        var map = new MapRef("@x");
        Assert.Equal(
            [
                // BPF_LD_IMM64(BPF_REG_1, 0x1122334455667788)
                "18 01 00 00 88 77 66 55", "00 00 00 00 44 33 22 11",
                // BPF_LD_MAP_FD(BPF_REG_1, 3): src_reg BPF_PSEUDO_MAP_FD
                "18 11 00 00 03 00 00 00", "00 00 00 00 00 00 00 00",
                // BPF_LD_MAP_VALUE(BPF_REG_2, 3, 8): src_reg BPF_PSEUDO_MAP_VALUE, offset in the second imm
                "18 22 00 00 03 00 00 00", "00 00 00 00 08 00 00 00",
                // BPF_LD_IMM64(BPF_REG_3, -1)
                "18 03 00 00 ff ff ff ff", "00 00 00 00 ff ff ff ff",
            ],
            Encode(a => a
                .LoadImm64(Reg.R1, 0x1122334455667788).LoadMapFd(Reg.R1, map)
                .LoadMapValue(Reg.R2, map, 8).LoadImm64(Reg.R3, -1)));
    }

    [Fact]
    public void JumpsAndCallsMatchTheKernelMacros()
    {
        Assert.Equal(
            [
                "85 00 00 00 01 00 00 00", // BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem)
                "15 00 03 00 00 00 00 00", // BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3)
                "5d 21 02 00 00 00 00 00", // BPF_JMP_REG(BPF_JNE, BPF_REG_1, BPF_REG_2, 2)
                "26 01 01 00 05 00 00 00", // BPF_JMP32_IMM(BPF_JGT, BPF_REG_1, 5, 1)
                "05 00 00 00 00 00 00 00", // BPF_JMP_A(0)
            ],
            Encode(a =>
            {
                var end = a.NewLabel("end");
                a.Call(HelperFunction.MapLookupElem)
                 .JumpIf(JumpOp.Eq, Reg.R0, 0, end)
                 .JumpIf(JumpOp.Ne, Reg.R1, Reg.R2, end)
                 .JumpIf32(JumpOp.Gt, Reg.R1, 5, end)
                 .Jump(end)
                 .Mark(end);
            }));
    }

    [Theory]
    [InlineData(JumpOp.Eq, 0x15)]
    [InlineData(JumpOp.Gt, 0x25)]
    [InlineData(JumpOp.Ge, 0x35)]
    [InlineData(JumpOp.Set, 0x45)]
    [InlineData(JumpOp.Ne, 0x55)]
    [InlineData(JumpOp.Sgt, 0x65)]
    [InlineData(JumpOp.Sge, 0x75)]
    [InlineData(JumpOp.Lt, 0xa5)]
    [InlineData(JumpOp.Le, 0xb5)]
    [InlineData(JumpOp.Slt, 0xc5)]
    [InlineData(JumpOp.Sle, 0xd5)]
    public void ConditionalJumpOpcodes(object jump, int expected)
    {
        var op = (JumpOp)jump;
        var asm = new Assembler();
        var target = asm.NewLabel("t");
        asm.JumpIf(op, Reg.R1, 0, target).JumpIf(op, Reg.R1, Reg.R2, target).JumpIf32(op, Reg.R1, 0, target)
           .Mark(target).Exit();
        var code = asm.Assemble().Instructions;
        Assert.Equal(expected, code[0].Opcode);               // BPF_JMP | op | BPF_K
        Assert.Equal(expected | 0x08, code[1].Opcode);        // BPF_JMP | op | BPF_X
        Assert.Equal(expected - 0x05 + 0x06, code[2].Opcode); // BPF_JMP32 | op | BPF_K
    }
}
