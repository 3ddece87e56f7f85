using System.Text;

namespace SharpTrace.Bpf;

/// <summary>
/// Prints instructions the way the kernel verifier log and <c>bpftool prog dump xlated</c> do
/// (kernel/bpf/disasm.c): <c>0: (b7) r0 = 0</c>, one instruction per line. Map references show the map's name
/// (<c>r1 = map[@x]</c>, like bpftool's <c>map[id:5]</c>), and jumps to named labels end with <c>&lt;label&gt;</c>.
/// </summary>
internal static class Disassembler
{
    /// <summary>The whole program, with map names, label names and a <c>name:</c> line where each subprogram starts.</summary>
    public static string Format(AssembledProgram program)
    {
        var maps = program.MapRelocations.ToDictionary(r => r.InstructionIndex, r => r.Map.Name);
        var functions = program.Subprograms.ToDictionary(s => s.InstructionOffset, s => s.Label.Name);
        return Format(program.Instructions, maps, program.LabelsAt, functions);
    }

    /// <summary>Raw instructions as the kernel takes them; map fds print as <c>map[fd:3]</c>.</summary>
    public static string Format(ReadOnlySpan<ulong> instructions)
    {
        var code = new Instruction[instructions.Length];
        for (var i = 0; i < code.Length; i++)
            code[i] = Instruction.Decode(instructions[i]);
        return Format(code, null, null, null);
    }

    private static string Format(
        IReadOnlyList<Instruction> code,
        IReadOnlyDictionary<int, string>? maps,
        IReadOnlyDictionary<int, string>? labels,
        IReadOnlyDictionary<int, string>? functions)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < code.Count; i++)
        {
            if (functions != null && functions.TryGetValue(i, out var function))
                sb.Append(function).Append(":\n");
            var insn = code[i];
            var next = insn.IsLoadImm64 && i + 1 < code.Count ? code[i + 1] : default;
            string? mapName = null;
            maps?.TryGetValue(i, out mapName);
            sb.Append(i).Append(": (").Append(insn.Opcode.ToString("x2")).Append(") ")
              .Append(FormatInstruction(insn, next, mapName));
            var target = TargetOf(insn, i);
            if (target is int t && labels != null && labels.TryGetValue(t, out var label))
                sb.Append(" <").Append(label).Append('>');
            sb.Append('\n');
            if (insn.IsLoadImm64)
                i++;
        }
        return sb.ToString();
    }

    /// <summary>Instruction index a jump, bpf-to-bpf call or function address load refers to, if any.</summary>
    private static int? TargetOf(Instruction insn, int index)
    {
        var @class = insn.Class;
        if (insn.IsLoadImm64)
            return (byte)insn.Src == Opcodes.PseudoFunc ? index + 1 + insn.Imm : null;
        if (@class is not (Opcodes.Jmp or Opcodes.Jmp32))
            return null;
        var op = Opcodes.Op(insn.Opcode);
        if (op == Opcodes.Call)
            return (byte)insn.Src == Opcodes.PseudoCall ? index + 1 + insn.Imm : null;
        if (op == Opcodes.Exit)
            return null;
        if (insn.Opcode == (Opcodes.Jmp32 | Opcodes.Ja))
            return index + 1 + insn.Imm;
        return index + 1 + insn.Offset;
    }

    /// <summary>
    /// One instruction's text without index and opcode (<c>r1 += -8</c>). <paramref name="next"/> is the second slot
    /// of a 64-bit immediate load; <paramref name="mapName"/> names the map it refers to, if known.
    /// </summary>
    public static string FormatInstruction(Instruction insn, Instruction next, string? mapName = null)
    {
        var code = insn.Opcode;
        var d = (byte)insn.Dst;
        var s = (byte)insn.Src;
        var op = Opcodes.Op(code);
        switch (insn.Class)
        {
            case Opcodes.Alu or Opcodes.Alu64:
            {
                var w = insn.Class == Opcodes.Alu ? 'w' : 'r';
                if (op == Opcodes.End)
                {
                    var kind = insn.Class == Opcodes.Alu64 ? "bswap"
                        : Opcodes.Source(code) == Opcodes.ToBe ? "be" : "le";
                    return $"r{d} = {kind}{insn.Imm} r{d}";
                }
                if (op == Opcodes.Neg)
                    return $"{w}{d} = -{w}{d}";
                var opText = AluText(op, insn.Offset);
                if (opText == null)
                    return Invalid(code);
                if (Opcodes.Source(code) == Opcodes.K)
                    return $"{w}{d} {opText} {insn.Imm}";
                var signExtend = op == Opcodes.Mov && insn.Offset is 8 or 16 or 32 ? $"(s{insn.Offset})" : "";
                return $"{w}{d} {opText} {signExtend}{w}{s}";
            }
            case Opcodes.Stx:
                if (Opcodes.Mode(code) == Opcodes.Mem)
                    return $"*({SizeText(code)} *)(r{d} {Signed(insn.Offset)}) = r{s}";
                if (Opcodes.Mode(code) == Opcodes.Atomic)
                    return AtomicText(insn);
                return Invalid(code);
            case Opcodes.St:
                return Opcodes.Mode(code) == Opcodes.Mem
                    ? $"*({SizeText(code)} *)(r{d} {Signed(insn.Offset)}) = {insn.Imm}"
                    : Invalid(code);
            case Opcodes.Ldx:
                return Opcodes.Mode(code) switch
                {
                    Opcodes.Mem => $"r{d} = *({SizeText(code)} *)(r{s} {Signed(insn.Offset)})",
                    Opcodes.MemSx when Opcodes.SizeOf(code) != Opcodes.DW =>
                        $"r{d} = *({"s" + SizeText(code)[1..]} *)(r{s} {Signed(insn.Offset)})",
                    _ => Invalid(code),
                };
            case Opcodes.Ld:
                return Opcodes.Mode(code) switch
                {
                    Opcodes.Abs => $"r0 = *({SizeText(code)} *)skb[{insn.Imm}]",
                    Opcodes.Ind => $"r0 = *({SizeText(code)} *)skb[r{s} + {insn.Imm}]",
                    Opcodes.Imm when Opcodes.SizeOf(code) == Opcodes.DW => $"r{d} = {Imm64Text(insn, next, mapName)}",
                    _ => Invalid(code),
                };
            default:
                return JumpText(insn);
        }
    }

    private static string Imm64Text(Instruction insn, Instruction next, string? mapName)
    {
        var value = (ulong)(uint)next.Imm << 32 | (uint)insn.Imm;
        var map = mapName ?? $"fd:{insn.Imm}";
        return (byte)insn.Src switch
        {
            Opcodes.PseudoMapFd => $"map[{map}]",
            Opcodes.PseudoMapValue => $"map[{map}][0]+{(uint)next.Imm}",
            Opcodes.PseudoFunc => $"func[pc{Signed(insn.Imm)}]",
            Opcodes.PseudoBtfId => $"ksym[btf_id:{insn.Imm}]",
            _ => $"0x{value:x}",
        };
    }

    private static string JumpText(Instruction insn)
    {
        var code = insn.Opcode;
        var op = Opcodes.Op(code);
        var jmp32 = insn.Class == Opcodes.Jmp32;
        if (op == Opcodes.Call && !jmp32)
        {
            return (byte)insn.Src switch
            {
                Opcodes.PseudoCall => $"call pc{Signed(insn.Imm)}",
                Opcodes.PseudoKfuncCall => $"call kernel-function#{insn.Imm}",
                _ => $"call {HelperFunctions.NameOf(insn.Imm) ?? "unknown"}#{insn.Imm}",
            };
        }
        if (code == (Opcodes.Jmp | Opcodes.Ja))
            return $"goto pc{Signed(insn.Offset)}";
        if (code == (Opcodes.Jmp32 | Opcodes.Ja))
            return $"gotol pc{Signed(insn.Imm)}";
        if (code == (Opcodes.Jmp | Opcodes.Exit))
            return "exit";
        var condition = ConditionText(op);
        if (condition == null)
            return Invalid(code);
        var w = jmp32 ? 'w' : 'r';
        var right = Opcodes.Source(code) == Opcodes.X ? $"{w}{(byte)insn.Src}" : $"0x{(uint)insn.Imm:x}";
        return $"if {w}{(byte)insn.Dst} {condition} {right} goto pc{Signed(insn.Offset)}";
    }

    private static string AtomicText(Instruction insn)
    {
        var size = SizeText(insn.Opcode);
        var d = (byte)insn.Dst;
        var s = (byte)insn.Src;
        var place = $"({size} *)(r{d} {Signed(insn.Offset)})";
        var width = Opcodes.SizeOf(insn.Opcode) == Opcodes.DW ? "64" : "";
        var aluOp = (byte)(insn.Imm & 0xf0);
        var name = aluOp switch { Opcodes.Add => "add", Opcodes.And => "and", Opcodes.Or => "or", Opcodes.Xor => "xor", _ => null };
        if (name != null && insn.Imm == aluOp)
            return $"lock *{place} {AluText(aluOp, 0)} r{s}";
        if (name != null && insn.Imm == (aluOp | Opcodes.Fetch))
            return $"r{s} = atomic{width}_fetch_{name}({place}, r{s})";
        if (insn.Imm == Opcodes.Xchg)
            return $"r{s} = atomic{width}_xchg({place}, r{s})";
        if (insn.Imm == Opcodes.CmpXchg)
            return $"r0 = atomic{width}_cmpxchg({place}, r0, r{s})";
        return Invalid(insn.Opcode);
    }

    private static string? AluText(byte op, short offset) => op switch
    {
        Opcodes.Add => "+=",
        Opcodes.Sub => "-=",
        Opcodes.Mul => "*=",
        // Offset 1 selects signed division and modulo (cpu v4).
        Opcodes.Div => offset == 1 ? "s/=" : "/=",
        Opcodes.Mod => offset == 1 ? "s%=" : "%=",
        Opcodes.Or => "|=",
        Opcodes.And => "&=",
        Opcodes.Lsh => "<<=",
        Opcodes.Rsh => ">>=",
        Opcodes.Xor => "^=",
        Opcodes.Mov => "=",
        Opcodes.Arsh => "s>>=",
        _ => null,
    };

    private static string? ConditionText(byte op) => op switch
    {
        Opcodes.Jeq => "==",
        Opcodes.Jgt => ">",
        Opcodes.Jlt => "<",
        Opcodes.Jge => ">=",
        Opcodes.Jle => "<=",
        Opcodes.Jset => "&",
        Opcodes.Jne => "!=",
        Opcodes.Jsgt => "s>",
        Opcodes.Jslt => "s<",
        Opcodes.Jsge => "s>=",
        Opcodes.Jsle => "s<=",
        _ => null,
    };

    private static string SizeText(byte opcode) => Opcodes.SizeOf(opcode) switch
    {
        Opcodes.W => "u32",
        Opcodes.H => "u16",
        Opcodes.B => "u8",
        _ => "u64",
    };

    /// <summary>printf's <c>%+d</c>.</summary>
    private static string Signed(int value) => value >= 0 ? $"+{value}" : value.ToString();

    private static string Invalid(byte opcode) => $"invalid opcode 0x{opcode:x2}";
}
