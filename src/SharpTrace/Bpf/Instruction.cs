namespace SharpTrace.Bpf;

/// <summary>
/// One 8-byte eBPF instruction slot (struct bpf_insn): opcode, dst and src registers, a signed 16-bit offset and a
/// signed 32-bit immediate. A 64-bit immediate load occupies two slots; the second has opcode 0 and carries the
/// upper 32 bits in its imm.
/// </summary>
internal readonly record struct Instruction(byte Opcode, Reg Dst, Reg Src, short Offset, int Imm)
{
    /// <summary>The slot as the kernel reads it: little-endian u8 code, u8 dst:4|src:4 (dst in the low nibble), s16 off, s32 imm.</summary>
    public ulong Encode() =>
        Opcode
        | (ulong)(((byte)Src << 4) | ((byte)Dst & 0x0f)) << 8
        | (ulong)(ushort)Offset << 16
        | (ulong)(uint)Imm << 32;

    /// <summary>Reads a slot produced by <see cref="Encode"/> (or by any other eBPF toolchain).</summary>
    public static Instruction Decode(ulong raw) => new(
        (byte)raw,
        (Reg)((raw >> 8) & 0x0f),
        (Reg)((raw >> 12) & 0x0f),
        (short)(ushort)(raw >> 16),
        (int)(uint)(raw >> 32));

    public byte Class => Opcodes.Class(Opcode);

    /// <summary>True for the first slot of a 64-bit immediate load (the next slot belongs to it).</summary>
    public bool IsLoadImm64 => Opcode == Opcodes.LoadImm64;

    /// <summary>The same slot with another immediate (used to patch map fds and resolved offsets in).</summary>
    public Instruction WithImm(int imm) => this with { Imm = imm };

    public override string ToString() => Disassembler.FormatInstruction(this, default);
}
