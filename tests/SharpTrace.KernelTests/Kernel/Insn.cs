namespace SharpTrace.KernelTests.Kernel;

/// <summary>
/// Hand encoding of struct bpf_insn (bpf.h) for kernel tests, independent of our code generator:
/// byte 0 opcode, byte 1 dst_reg (low nibble) and src_reg (high nibble), s16 off, s32 imm, little-endian.
/// </summary>
internal static class Insn
{
    public const int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R10 = 10;

    public const int HelperMapLookupElem = 1;
    public const int HelperGetCurrentPidTgid = 14;
    public const int HelperRingbufOutput = 130;
    public const int HelperRingbufReserve = 131;
    public const int HelperRingbufSubmit = 132;
    public const int HelperRingbufDiscard = 133;
    public const int HelperLoop = 181;

    public static ulong Raw(byte opcode, int dst, int src, short offset, int imm) =>
        opcode | (ulong)(dst & 0xf) << 8 | (ulong)(src & 0xf) << 12 | (ulong)(ushort)offset << 16 | (ulong)(uint)imm << 32;

    public static ulong MovImm(int dst, int imm) => Raw(0xb7, dst, 0, 0, imm);            // ALU64 | MOV | K
    public static ulong MovReg(int dst, int src) => Raw(0xbf, dst, src, 0, 0);            // ALU64 | MOV | X
    public static ulong AddImm(int dst, int imm) => Raw(0x07, dst, 0, 0, imm);            // ALU64 | ADD | K
    public static ulong StoreImm32(int dst, short off, int imm) => Raw(0x62, dst, 0, off, imm); // ST | MEM | W
    public static ulong StoreImm64(int dst, short off, int imm) => Raw(0x7a, dst, 0, off, imm); // ST | MEM | DW
    public static ulong StoreReg64(int dst, short off, int src) => Raw(0x7b, dst, src, off, 0); // STX | MEM | DW
    public static ulong AtomicAdd64(int dst, short off, int src) => Raw(0xdb, dst, src, off, 0); // STX | ATOMIC | DW, imm BPF_ADD
    public static ulong JumpIfEqualImm(int dst, int imm, short off) => Raw(0x15, dst, 0, off, imm);   // JMP | JEQ | K
    public static ulong JumpIfNotEqualImm32(int dst, int imm, short off) => Raw(0x56, dst, 0, off, imm); // JMP32 | JNE | K
    public static ulong Call(int helper) => Raw(0x85, 0, 0, 0, helper);                   // JMP | CALL
    public static ulong Exit() => Raw(0x95, 0, 0, 0, 0);                                  // JMP | EXIT

    /// <summary>ld_imm64 dst = map (src_reg BPF_PSEUDO_MAP_FD): two instruction slots.</summary>
    public static ulong[] LoadMapFd(int dst, int fd) => [Raw(0x18, dst, 1, 0, fd), 0];

    /// <summary>ld_imm64 dst = &amp;subprogram (src_reg BPF_PSEUDO_FUNC), target = this insn + 1 + delta.</summary>
    public static ulong[] LoadFunction(int dst, int delta) => [Raw(0x18, dst, 4, 0, delta), 0];

    /// <summary>Flattens instruction groups into one program.</summary>
    public static ulong[] Program(params object[] parts) =>
        parts.SelectMany(p => p switch
        {
            ulong single => [single],
            ulong[] many => many,
            _ => throw new ArgumentException(p.GetType().Name),
        }).ToArray();
}
