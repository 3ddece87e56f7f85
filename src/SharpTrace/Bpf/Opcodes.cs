namespace SharpTrace.Bpf;

/// <summary>
/// The opcode fields of an eBPF instruction, with the values of linux/bpf_common.h and linux/bpf.h.
/// An opcode is class | size | mode for loads and stores, and class | op | source for ALU and jumps.
/// </summary>
internal static class Opcodes
{
    // Instruction classes (low 3 bits).
    public const byte Ld = 0x00;
    public const byte Ldx = 0x01;
    public const byte St = 0x02;
    public const byte Stx = 0x03;
    public const byte Alu = 0x04;
    public const byte Jmp = 0x05;
    public const byte Jmp32 = 0x06;
    public const byte Alu64 = 0x07;

    // Load/store sizes.
    public const byte W = 0x00;
    public const byte H = 0x08;
    public const byte B = 0x10;
    public const byte DW = 0x18;

    // Load/store modes.
    public const byte Imm = 0x00;
    public const byte Abs = 0x20;
    public const byte Ind = 0x40;
    public const byte Mem = 0x60;
    /// <summary>Sign-extending load (LDX only).</summary>
    public const byte MemSx = 0x80;
    /// <summary>Atomic read-modify-write (STX only); the operation is in imm.</summary>
    public const byte Atomic = 0xc0;

    // ALU operations.
    public const byte Add = 0x00;
    public const byte Sub = 0x10;
    public const byte Mul = 0x20;
    public const byte Div = 0x30;
    public const byte Or = 0x40;
    public const byte And = 0x50;
    public const byte Lsh = 0x60;
    public const byte Rsh = 0x70;
    public const byte Neg = 0x80;
    public const byte Mod = 0x90;
    public const byte Xor = 0xa0;
    public const byte Mov = 0xb0;
    public const byte Arsh = 0xc0;
    public const byte End = 0xd0;

    // Jump operations.
    public const byte Ja = 0x00;
    public const byte Jeq = 0x10;
    public const byte Jgt = 0x20;
    public const byte Jge = 0x30;
    public const byte Jset = 0x40;
    public const byte Jne = 0x50;
    public const byte Jsgt = 0x60;
    public const byte Jsge = 0x70;
    public const byte Call = 0x80;
    public const byte Exit = 0x90;
    public const byte Jlt = 0xa0;
    public const byte Jle = 0xb0;
    public const byte Jslt = 0xc0;
    public const byte Jsle = 0xd0;

    // Operand source: the immediate (K) or the source register (X). For BPF_END it selects the byte order.
    public const byte K = 0x00;
    public const byte X = 0x08;
    public const byte ToLe = 0x00;
    public const byte ToBe = 0x08;

    // Atomic operations (in imm of BPF_STX | BPF_ATOMIC).
    public const int Fetch = 0x01;
    public const int Xchg = 0xe0 | Fetch;
    public const int CmpXchg = 0xf0 | Fetch;

    // src_reg of the first half of a 64-bit immediate load.
    /// <summary>imm is a map fd; the register gets the map.</summary>
    public const byte PseudoMapFd = 1;
    /// <summary>imm is a map fd and the second imm an offset; the register points into the map's (single) value.</summary>
    public const byte PseudoMapValue = 2;
    /// <summary>imm is the BTF id of a kernel variable (a VAR of vmlinux when the second imm is 0); the register gets its address.</summary>
    public const byte PseudoBtfId = 3;
    /// <summary>imm is the instruction offset of a subprogram; the register gets a function pointer (for callbacks).</summary>
    public const byte PseudoFunc = 4;

    // src_reg of a call instruction.
    /// <summary>imm is a pc-relative offset to a subprogram (bpf-to-bpf call).</summary>
    public const byte PseudoCall = 1;
    /// <summary>imm is a kernel function's BTF id.</summary>
    public const byte PseudoKfuncCall = 2;

    /// <summary>The 64-bit immediate load's opcode (BPF_LD | BPF_DW | BPF_IMM); it takes two instruction slots.</summary>
    public const byte LoadImm64 = Ld | DW | Imm;

    /// <summary>The verifier's limit on program length (BPF_COMPLEXITY_LIMIT_INSNS).</summary>
    public const int MaxInstructions = 1_000_000;

    public static byte Class(byte opcode) => (byte)(opcode & 0x07);
    public static byte SizeOf(byte opcode) => (byte)(opcode & 0x18);
    public static byte Mode(byte opcode) => (byte)(opcode & 0xe0);
    public static byte Op(byte opcode) => (byte)(opcode & 0xf0);
    public static byte Source(byte opcode) => (byte)(opcode & 0x08);
}

/// <summary>eBPF registers: R0 return value, R1-R5 arguments (clobbered by calls), R6-R9 callee-saved, R10 the read-only frame pointer.</summary>
internal enum Reg : byte
{
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10,
}

/// <summary>Width of a memory access, encoded as the size field of the opcode.</summary>
internal enum Size : byte
{
    U32 = Opcodes.W,
    U16 = Opcodes.H,
    U8 = Opcodes.B,
    U64 = Opcodes.DW,
}

/// <summary>Two-operand ALU operations (<c>dst op= src</c>).</summary>
internal enum AluOp : byte
{
    Add = Opcodes.Add,
    Sub = Opcodes.Sub,
    Mul = Opcodes.Mul,
    /// <summary>Unsigned division; division by zero gives 0.</summary>
    Div = Opcodes.Div,
    Or = Opcodes.Or,
    And = Opcodes.And,
    Lsh = Opcodes.Lsh,
    /// <summary>Logical (zero-filling) shift right.</summary>
    Rsh = Opcodes.Rsh,
    /// <summary>Unsigned modulo; modulo by zero leaves dst unchanged.</summary>
    Mod = Opcodes.Mod,
    Xor = Opcodes.Xor,
    Mov = Opcodes.Mov,
    /// <summary>Arithmetic (sign-extending) shift right.</summary>
    Arsh = Opcodes.Arsh,
}

/// <summary>Conditions of conditional jumps; the <c>S</c> forms compare signed.</summary>
internal enum JumpOp : byte
{
    Eq = Opcodes.Jeq,
    Ne = Opcodes.Jne,
    Gt = Opcodes.Jgt,
    Ge = Opcodes.Jge,
    Lt = Opcodes.Jlt,
    Le = Opcodes.Jle,
    Sgt = Opcodes.Jsgt,
    Sge = Opcodes.Jsge,
    Slt = Opcodes.Jslt,
    Sle = Opcodes.Jsle,
    /// <summary>Jump if <c>a &amp; b</c> is non-zero.</summary>
    Set = Opcodes.Jset,
}
