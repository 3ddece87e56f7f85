using SharpTrace.Bpf;

namespace SharpTrace.Tests.Bpf;

/// <summary>Expected text written from the format strings of the kernel's kernel/bpf/disasm.c (print_bpf_insn).</summary>
public class DisassemblerTests
{
    private static string[] Lines(Action<Assembler> emit)
    {
        var asm = new Assembler();
        emit(asm);
        return Disassembler.Format(asm.Assemble()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string One(Instruction insn, Instruction next = default) => Disassembler.FormatInstruction(insn, next);

    [Fact]
    public void AluForms()
    {
        Assert.Equal("r0 = 0", One(new(0xb7, Reg.R0, Reg.R0, 0, 0)));          // "%c%d %s %d"
        Assert.Equal("r1 = r10", One(new(0xbf, Reg.R1, Reg.R10, 0, 0)));       // "%c%d %s %s%c%d"
        Assert.Equal("r1 += -8", One(new(0x07, Reg.R1, Reg.R0, 0, -8)));
        Assert.Equal("w2 = 5", One(new(0xb4, Reg.R2, Reg.R0, 0, 5)));
        Assert.Equal("w1 -= w2", One(new(0x1c, Reg.R1, Reg.R2, 0, 0)));
        Assert.Equal("r1 <<= r2", One(new(0x6f, Reg.R1, Reg.R2, 0, 0)));
        Assert.Equal("r1 >>= 32", One(new(0x77, Reg.R1, Reg.R0, 0, 32)));
        Assert.Equal("r1 s>>= 32", One(new(0xc7, Reg.R1, Reg.R0, 0, 32)));
        Assert.Equal("r1 %= r2", One(new(0x9f, Reg.R1, Reg.R2, 0, 0)));
        Assert.Equal("r1 s/= r2", One(new(0x3f, Reg.R1, Reg.R2, 1, 0)));
        Assert.Equal("r1 ^= 1", One(new(0xa7, Reg.R1, Reg.R0, 0, 1)));
        Assert.Equal("r1 = (s8)r2", One(new(0xbf, Reg.R1, Reg.R2, 8, 0)));
        Assert.Equal("r1 = -r1", One(new(0x87, Reg.R1, Reg.R0, 0, 0)));         // "%c%d = -%c%d"
        Assert.Equal("w3 = -w3", One(new(0x84, Reg.R3, Reg.R0, 0, 0)));
        Assert.Equal("r1 = be16 r1", One(new(0xdc, Reg.R1, Reg.R0, 0, 16)));   // "r%d = %s%d r%d"
        Assert.Equal("r1 = le64 r1", One(new(0xd4, Reg.R1, Reg.R0, 0, 64)));
        Assert.Equal("r1 = bswap32 r1", One(new(0xd7, Reg.R1, Reg.R0, 0, 32)));
    }

    [Fact]
    public void MemoryForms()
    {
        Assert.Equal("*(u64 *)(r10 -8) = r1", One(new(0x7b, Reg.R10, Reg.R1, -8, 0)));  // "*(%s *)(r%d %+d) = r%d"
        Assert.Equal("*(u8 *)(r10 -1) = r2", One(new(0x73, Reg.R10, Reg.R2, -1, 0)));
        Assert.Equal("*(u32 *)(r10 -4) = 0", One(new(0x62, Reg.R10, Reg.R0, -4, 0)));   // "*(%s *)(r%d %+d) = %d"
        Assert.Equal("*(u16 *)(r1 +2) = -1", One(new(0x6a, Reg.R1, Reg.R0, 2, -1)));
        Assert.Equal("r2 = *(u32 *)(r1 +4)", One(new(0x61, Reg.R2, Reg.R1, 4, 0)));     // "r%d = *(%s *)(r%d %+d)"
        Assert.Equal("r2 = *(u64 *)(r1 +0)", One(new(0x79, Reg.R2, Reg.R1, 0, 0)));
        Assert.Equal("r2 = *(s16 *)(r1 +0)", One(new(0x89, Reg.R2, Reg.R1, 0, 0)));     // BPF_MEMSX
        Assert.Equal("lock *(u64 *)(r1 +8) += r2", One(new(0xdb, Reg.R1, Reg.R2, 8, 0)));
        Assert.Equal("lock *(u32 *)(r1 +0) += r2", One(new(0xc3, Reg.R1, Reg.R2, 0, 0)));
        Assert.Equal("r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)", One(new(0xdb, Reg.R1, Reg.R2, 0, 0x01)));
        Assert.Equal("r2 = atomic64_xchg((u64 *)(r1 +0), r2)", One(new(0xdb, Reg.R1, Reg.R2, 0, 0xe1)));
        Assert.Equal("r0 = atomic_cmpxchg((u32 *)(r1 -4), r0, r2)", One(new(0xc3, Reg.R1, Reg.R2, -4, 0xf1)));
    }

    [Fact]
    public void WideLoadForms()
    {
        Assert.Equal("r1 = 0x1122334455667788",
            One(new(0x18, Reg.R1, Reg.R0, 0, 0x55667788), new(0, Reg.R0, Reg.R0, 0, 0x11223344)));
        Assert.Equal("r3 = 0xffffffffffffffff", One(new(0x18, Reg.R3, Reg.R0, 0, -1), new(0, Reg.R0, Reg.R0, 0, -1)));
        Assert.Equal("r1 = map[fd:3]", One(new(0x18, Reg.R1, (Reg)1, 0, 3)));
        Assert.Equal("r1 = map[fd:3][0]+8", One(new(0x18, Reg.R1, (Reg)2, 0, 3), new(0, Reg.R0, Reg.R0, 0, 8)));
        Assert.Equal("r2 = func[pc+5]", One(new(0x18, Reg.R2, (Reg)4, 0, 5)));
    }

    [Fact]
    public void JumpAndCallForms()
    {
        Assert.Equal("if r0 == 0x0 goto pc+3", One(new(0x15, Reg.R0, Reg.R0, 3, 0)));  // "if %c%d %s 0x%x goto pc%+d"
        Assert.Equal("if r1 != r2 goto pc-4", One(new(0x5d, Reg.R1, Reg.R2, -4, 0)));  // "if %c%d %s %c%d goto pc%+d"
        Assert.Equal("if w1 > 0x5 goto pc+0", One(new(0x26, Reg.R1, Reg.R0, 0, 5)));
        Assert.Equal("if r1 s< 0xffffffff goto pc+1", One(new(0xc5, Reg.R1, Reg.R0, 1, -1)));
        Assert.Equal("if r1 & 0x10 goto pc+1", One(new(0x45, Reg.R1, Reg.R0, 1, 16)));
        Assert.Equal("if w1 s>= w2 goto pc+1", One(new(0x7e, Reg.R1, Reg.R2, 1, 0)));
        Assert.Equal("goto pc+1", One(new(0x05, Reg.R0, Reg.R0, 1, 0)));                 // "goto pc%+d"
        Assert.Equal("gotol pc-100000", One(new(0x06, Reg.R0, Reg.R0, 0, -100000)));
        Assert.Equal("exit", One(new(0x95, Reg.R0, Reg.R0, 0, 0)));
        Assert.Equal("call bpf_map_lookup_elem#1", One(new(0x85, Reg.R0, Reg.R0, 0, 1))); // "call %s#%d"
        Assert.Equal("call bpf_ringbuf_output#130", One(new(0x85, Reg.R0, Reg.R0, 0, 130)));
        Assert.Equal("call unknown#99999", One(new(0x85, Reg.R0, Reg.R0, 0, 99999)));
        Assert.Equal("call pc+2", One(new(0x85, Reg.R0, (Reg)1, 0, 2)));                 // "call pc%s" with "%+d"
        Assert.Equal("call kernel-function#1234", One(new(0x85, Reg.R0, (Reg)2, 0, 1234)));
    }

    [Fact]
    public void InvalidOpcodesAreNamed()
    {
        Assert.Equal("invalid opcode 0xe7", One(new(0xe7, Reg.R1, Reg.R0, 0, 0)));
        Assert.Equal("invalid opcode 0x1b", One(new(0x1b, Reg.R1, Reg.R0, 0, 0))); // BPF_STX | BPF_DW | BPF_IMM
    }

    [Fact]
    public void ProgramListingNumbersSlotsAndShowsNames()
    {
        var lines = Lines(a =>
        {
            var miss = a.NewLabel("miss");
            var counts = new MapRef("@counts");
            a.StoreImm(Size.U64, Reg.R10, -8, 0)
             .LoadMapFd(Reg.R1, counts)
             .Mov(Reg.R2, Reg.R10)
             .Alu(AluOp.Add, Reg.R2, -8)
             .Call(HelperFunction.MapLookupElem)
             .JumpIf(JumpOp.Eq, Reg.R0, 0, miss)
             .Mov(Reg.R1, 1)
             .AtomicAdd(Size.U64, Reg.R0, 0, Reg.R1)
             .Mark(miss)
             .LoadMapValue(Reg.R1, new MapRef("fmt"), 16)
             .Mov(Reg.R0, 0)
             .Exit();
        });
        Assert.Equal(
            [
                "0: (7a) *(u64 *)(r10 -8) = 0",
                "1: (18) r1 = map[@counts]",
                "3: (bf) r2 = r10",
                "4: (07) r2 += -8",
                "5: (85) call bpf_map_lookup_elem#1",
                "6: (15) if r0 == 0x0 goto pc+2 <miss>",
                "7: (b7) r1 = 1",
                "8: (db) lock *(u64 *)(r0 +0) += r1",
                "9: (18) r1 = map[fmt][0]+16",
                "11: (b7) r0 = 0",
                "12: (95) exit",
            ],
            lines);
    }

    [Fact]
    public void SubprogramsGetAHeaderLine()
    {
        var lines = Lines(a =>
        {
            var callback = a.NewLabel("clear_elem");
            a.LoadFunctionAddress(Reg.R2, callback)
             .Call(HelperFunction.ForEachMapElem)
             .Exit()
             .Mark(callback)
             .Mov(Reg.R0, 0)
             .Exit();
        });
        Assert.Equal(
            [
                "0: (18) r2 = func[pc+3] <clear_elem>",
                "2: (85) call bpf_for_each_map_elem#164",
                "3: (95) exit",
                "clear_elem:",
                "4: (b7) r0 = 0",
                "5: (95) exit",
            ],
            lines);
    }

    [Fact]
    public void RawInstructionsDisassembleWithoutNames()
    {
        var asm = new Assembler();
        asm.LoadMapFd(Reg.R1, new MapRef("@x")).Mov(Reg.R0, 0).Exit();
        var raw = asm.Assemble().Link(_ => 6);
        Assert.Equal("0: (18) r1 = map[fd:6]\n2: (b7) r0 = 0\n3: (95) exit\n", Disassembler.Format(raw));
    }

    [Fact]
    public void InstructionToStringIsItsText() =>
        Assert.Equal("r1 = r10", new Instruction(0xbf, Reg.R1, Reg.R10, 0, 0).ToString());
}
