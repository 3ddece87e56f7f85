namespace SharpTrace.Bpf;

/// <summary>A jump or call target inside one <see cref="Assembler"/>; placed with <see cref="Assembler.Mark"/>.</summary>
internal sealed class Label
{
    internal Label(Assembler owner, string name)
    {
        Owner = owner;
        Name = name;
    }

    internal Assembler Owner { get; }

    /// <summary>Unique within its assembler and a valid C identifier (subprogram labels become BTF function names).</summary>
    public string Name { get; }

    public override string ToString() => Name;
}

/// <summary>A map an instruction refers to; the loader supplies its fd when linking (<see cref="AssembledProgram.Link"/>).</summary>
internal sealed record MapRef(string Name)
{
    public override string ToString() => Name;
}

/// <summary>A 64-bit immediate load at <paramref name="InstructionIndex"/> whose imm must become <paramref name="Map"/>'s fd.</summary>
internal readonly record struct MapRelocation(int InstructionIndex, MapRef Map);

/// <summary>A bpf-to-bpf function (call or callback target) starting at <paramref name="InstructionOffset"/>.</summary>
internal readonly record struct Subprogram(int InstructionOffset, Label Label);

/// <summary>The assembler's complaint about a program the kernel could not load (bad label, offset out of range, too long).</summary>
internal sealed class AssemblerException(string message) : Exception(message);

/// <summary>
/// Builds an eBPF program instruction by instruction, with symbolic labels for jumps and subprograms and symbolic
/// map references, then resolves them with <see cref="Assemble"/>. Methods return the assembler so calls can chain.
/// </summary>
internal sealed class Assembler
{
    private enum FixupKind { JumpOffset, CallImm, FunctionImm }

    private readonly record struct Fixup(int Index, Label Target, FixupKind Kind);

    private readonly List<Instruction> _instructions = [];
    private readonly List<Fixup> _fixups = [];
    private readonly List<MapRelocation> _relocations = [];
    private readonly Dictionary<Label, int> _marks = [];
    private readonly HashSet<string> _labelNames = [];

    /// <summary>Index the next instruction will get (a 64-bit immediate load advances it by two).</summary>
    public int Count => _instructions.Count;

    /// <summary>A new, not yet placed label. The hint names it in disassembly (made unique with a suffix).</summary>
    public Label NewLabel(string hint)
    {
        var baseName = string.IsNullOrEmpty(hint) ? "L" : hint;
        var name = baseName;
        for (var n = 2; !_labelNames.Add(name); n++)
            name = $"{baseName}_{n}";
        return new Label(this, name);
    }

    /// <summary>Places the label at the next instruction.</summary>
    public Assembler Mark(Label label)
    {
        CheckOwner(label);
        if (!_marks.TryAdd(label, Count))
            throw new AssemblerException($"label '{label.Name}' is marked twice");
        return this;
    }

    /// <summary>Appends a raw instruction slot.</summary>
    public Assembler Emit(Instruction instruction)
    {
        _instructions.Add(instruction);
        return this;
    }

    private Assembler Emit(byte opcode, Reg dst, Reg src, short offset, int imm)
    {
        CheckRegister(dst);
        CheckRegister(src);
        return Emit(new Instruction(opcode, dst, src, offset, imm));
    }

    /// <summary><c>dst = src</c> (64-bit).</summary>
    public Assembler Mov(Reg dst, Reg src) => Alu(AluOp.Mov, dst, src);

    /// <summary><c>dst = imm</c>, sign-extended to 64 bits.</summary>
    public Assembler Mov(Reg dst, int imm) => Alu(AluOp.Mov, dst, imm);

    /// <summary><c>wdst = wsrc</c>: copies the low 32 bits and zeroes the upper half.</summary>
    public Assembler Mov32(Reg dst, Reg src) => Alu32(AluOp.Mov, dst, src);

    /// <summary><c>wdst = imm</c>: the upper 32 bits become zero.</summary>
    public Assembler Mov32(Reg dst, int imm) => Alu32(AluOp.Mov, dst, imm);

    /// <summary><c>dst op= src</c> on 64 bits.</summary>
    public Assembler Alu(AluOp op, Reg dst, Reg src) => Emit((byte)(Opcodes.Alu64 | (byte)op | Opcodes.X), dst, src, 0, 0);

    /// <summary><c>dst op= imm</c> on 64 bits (imm sign-extended).</summary>
    public Assembler Alu(AluOp op, Reg dst, int imm) => Emit((byte)(Opcodes.Alu64 | (byte)op | Opcodes.K), dst, Reg.R0, 0, imm);

    /// <summary><c>wdst op= wsrc</c> on the low 32 bits; the upper half of dst becomes zero.</summary>
    public Assembler Alu32(AluOp op, Reg dst, Reg src) => Emit((byte)(Opcodes.Alu | (byte)op | Opcodes.X), dst, src, 0, 0);

    /// <summary><c>wdst op= imm</c> on the low 32 bits; the upper half of dst becomes zero.</summary>
    public Assembler Alu32(AluOp op, Reg dst, int imm) => Emit((byte)(Opcodes.Alu | (byte)op | Opcodes.K), dst, Reg.R0, 0, imm);

    /// <summary><c>dst = -dst</c> (64-bit).</summary>
    public Assembler Neg(Reg dst) => Emit(Opcodes.Alu64 | Opcodes.Neg, dst, Reg.R0, 0, 0);

    /// <summary><c>wdst = -wdst</c> (32-bit).</summary>
    public Assembler Neg32(Reg dst) => Emit(Opcodes.Alu | Opcodes.Neg, dst, Reg.R0, 0, 0);

    /// <summary>Converts the low <paramref name="bits"/> (16, 32 or 64) of dst to big-endian (network) byte order.</summary>
    public Assembler ToBigEndian(Reg dst, int bits)
    {
        if (bits is not (16 or 32 or 64))
            throw new AssemblerException($"byte swap width must be 16, 32 or 64, not {bits}");
        return Emit(Opcodes.Alu | Opcodes.End | Opcodes.ToBe, dst, Reg.R0, 0, bits);
    }

    /// <summary>
    /// Reverses the order of the low <paramref name="bits"/> (16, 32 or 64) bytes of dst and zeroes the rest: BPF_END
    /// towards the byte order opposite to the machine's (<c>be16</c> on little-endian x86-64), which every kernel
    /// with eBPF runs, unlike the unconditional <c>bswap</c> form (BPF_ALU64, kernel 6.6 and later).
    /// </summary>
    public Assembler ByteSwap(Reg dst, int bits)
    {
        if (bits is not (16 or 32 or 64))
            throw new AssemblerException($"byte swap width must be 16, 32 or 64, not {bits}");
        var order = BitConverter.IsLittleEndian ? Opcodes.ToBe : Opcodes.ToLe;
        return Emit((byte)(Opcodes.Alu | Opcodes.End | order), dst, Reg.R0, 0, bits);
    }

    /// <summary><c>dst = *(size *)(src + off)</c>, zero-extended.</summary>
    public Assembler Load(Size size, Reg dst, Reg src, short off) =>
        Emit((byte)(Opcodes.Ldx | (byte)size | Opcodes.Mem), dst, src, off, 0);

    /// <summary><c>*(size *)(dst + off) = src</c>.</summary>
    public Assembler Store(Size size, Reg dst, short off, Reg src) =>
        Emit((byte)(Opcodes.Stx | (byte)size | Opcodes.Mem), dst, src, off, 0);

    /// <summary><c>*(size *)(dst + off) = imm</c>.</summary>
    public Assembler StoreImm(Size size, Reg dst, short off, int imm) =>
        Emit((byte)(Opcodes.St | (byte)size | Opcodes.Mem), dst, Reg.R0, off, imm);

    /// <summary><c>lock *(size *)(dst + off) += src</c>: an atomic add, for counters in maps shared between CPUs. Size is U32 or U64.</summary>
    public Assembler AtomicAdd(Size size, Reg dst, short off, Reg src)
    {
        if (size is not (Size.U32 or Size.U64))
            throw new AssemblerException($"atomic add needs a 32- or 64-bit operand, not {size}");
        return Emit((byte)(Opcodes.Stx | (byte)size | Opcodes.Atomic), dst, src, off, Opcodes.Add);
    }

    /// <summary>
    /// <c>r0 = cmpxchg((u64 *)(dst + off), r0, src)</c>: the 8 bytes become <paramref name="src"/> if they equal r0;
    /// r0 receives what they held before either way.
    /// </summary>
    public Assembler AtomicCompareExchange(Reg dst, short off, Reg src) =>
        Emit((byte)(Opcodes.Stx | (byte)Size.U64 | Opcodes.Atomic), dst, src, off, Opcodes.CmpXchg);

    /// <summary><c>dst = value</c> for any 64-bit value (two slots).</summary>
    public Assembler LoadImm64(Reg dst, long value) => LoadImm64(dst, 0, (int)value, (int)(value >> 32));

    private Assembler LoadImm64(Reg dst, byte pseudo, int low, int high)
    {
        CheckRegister(dst);
        Emit(new Instruction(Opcodes.LoadImm64, dst, (Reg)pseudo, 0, low));
        return Emit(new Instruction(0, Reg.R0, Reg.R0, 0, high));
    }

    /// <summary><c>dst = map</c>: the map pointer helpers such as bpf_map_lookup_elem take (BPF_PSEUDO_MAP_FD).</summary>
    public Assembler LoadMapFd(Reg dst, MapRef map)
    {
        _relocations.Add(new MapRelocation(Count, map));
        return LoadImm64(dst, Opcodes.PseudoMapFd, 0, 0);
    }

    /// <summary>
    /// <c>dst = &amp;value(map) + offset</c> (BPF_PSEUDO_MAP_VALUE): a direct pointer into the single value of an array
    /// map, for read-only constants such as strings in a frozen map.
    /// </summary>
    public Assembler LoadMapValue(Reg dst, MapRef map, int offset)
    {
        _relocations.Add(new MapRelocation(Count, map));
        return LoadImm64(dst, Opcodes.PseudoMapValue, 0, offset);
    }

    /// <summary>
    /// <c>dst = &amp;variable</c> (BPF_PSEUDO_BTF_ID): the address of the vmlinux variable with BTF id
    /// <paramref name="btfId"/>; for a per-CPU variable, what bpf_this_cpu_ptr and bpf_per_cpu_ptr take.
    /// </summary>
    public Assembler LoadKernelVariable(Reg dst, int btfId) => LoadImm64(dst, Opcodes.PseudoBtfId, btfId, 0);

    /// <summary><c>dst = &amp;subprogram</c> (BPF_PSEUDO_FUNC): a callback for bpf_for_each_map_elem or bpf_loop.</summary>
    public Assembler LoadFunctionAddress(Reg dst, Label subprogram)
    {
        AddFixup(subprogram, FixupKind.FunctionImm);
        return LoadImm64(dst, Opcodes.PseudoFunc, 0, 0);
    }

    /// <summary>Calls a kernel helper; arguments in R1-R5, result in R0, R1-R5 clobbered.</summary>
    public Assembler Call(HelperFunction helper) => Emit(Opcodes.Jmp | Opcodes.Call, Reg.R0, Reg.R0, 0, (int)helper);

    /// <summary>Calls the kernel function (kfunc) with BTF id <paramref name="btfId"/> in the kernel's BTF (BPF_PSEUDO_KFUNC_CALL); as a helper call for registers.</summary>
    public Assembler CallKernelFunction(int btfId) => Emit(Opcodes.Jmp | Opcodes.Call, Reg.R0, (Reg)Opcodes.PseudoKfuncCall, 0, btfId);

    /// <summary>Calls a function of this program (bpf-to-bpf call, BPF_PSEUDO_CALL).</summary>
    public Assembler CallSubprogram(Label subprogram)
    {
        AddFixup(subprogram, FixupKind.CallImm);
        return Emit(Opcodes.Jmp | Opcodes.Call, Reg.R0, (Reg)Opcodes.PseudoCall, 0, 0);
    }

    /// <summary>Returns R0 from the program or subprogram.</summary>
    public Assembler Exit() => Emit(Opcodes.Jmp | Opcodes.Exit, Reg.R0, Reg.R0, 0, 0);

    /// <summary>Unconditional jump (<c>goto</c>).</summary>
    public Assembler Jump(Label target)
    {
        AddFixup(target, FixupKind.JumpOffset);
        return Emit(Opcodes.Jmp | Opcodes.Ja, Reg.R0, Reg.R0, 0, 0);
    }

    /// <summary><c>if a cond b goto target</c>, comparing 64 bits.</summary>
    public Assembler JumpIf(JumpOp cond, Reg a, Reg b, Label target) => JumpIf(Opcodes.Jmp, cond, a, b, target);

    /// <summary><c>if a cond imm goto target</c>, comparing 64 bits (imm sign-extended).</summary>
    public Assembler JumpIf(JumpOp cond, Reg a, int imm, Label target) => JumpIf(Opcodes.Jmp, cond, a, imm, target);

    /// <summary><c>if wa cond wb goto target</c>, comparing the low 32 bits.</summary>
    public Assembler JumpIf32(JumpOp cond, Reg a, Reg b, Label target) => JumpIf(Opcodes.Jmp32, cond, a, b, target);

    /// <summary><c>if wa cond imm goto target</c>, comparing the low 32 bits.</summary>
    public Assembler JumpIf32(JumpOp cond, Reg a, int imm, Label target) => JumpIf(Opcodes.Jmp32, cond, a, imm, target);

    private Assembler JumpIf(byte @class, JumpOp cond, Reg a, Reg b, Label target)
    {
        AddFixup(target, FixupKind.JumpOffset);
        return Emit((byte)(@class | (byte)cond | Opcodes.X), a, b, 0, 0);
    }

    private Assembler JumpIf(byte @class, JumpOp cond, Reg a, int imm, Label target)
    {
        AddFixup(target, FixupKind.JumpOffset);
        return Emit((byte)(@class | (byte)cond | Opcodes.K), a, Reg.R0, 0, imm);
    }

    private void AddFixup(Label target, FixupKind kind)
    {
        CheckOwner(target);
        _fixups.Add(new Fixup(Count, target, kind));
    }

    private void CheckOwner(Label label)
    {
        if (label.Owner != this)
            throw new AssemblerException($"label '{label.Name}' belongs to another assembler");
    }

    private static void CheckRegister(Reg reg)
    {
        if (reg > Reg.R10)
            throw new AssemblerException($"there is no register r{(byte)reg}");
    }

    /// <summary>
    /// Resolves labels to pc-relative offsets (jump off and call imm are target - (pc + 1)) and checks what the
    /// kernel would reject: undefined labels, offsets beyond 16 bits, jumps between functions, functions that can
    /// fall off their end, programs over 1,000,000 instructions.
    /// </summary>
    public AssembledProgram Assemble()
    {
        if (Count == 0)
            throw new AssemblerException("the program is empty");
        if (Count > Opcodes.MaxInstructions)
            throw new AssemblerException($"the program has {Count} instructions; the kernel accepts at most {Opcodes.MaxInstructions}");

        var code = _instructions.ToArray();
        var subprogramLabels = new Dictionary<int, Label>();
        foreach (var fixup in _fixups)
        {
            var target = TargetOf(fixup);
            if (fixup.Kind != FixupKind.JumpOffset && target != 0)
                subprogramLabels.TryAdd(target, fixup.Target);
        }
        var subprograms = subprogramLabels.OrderBy(s => s.Key).Select(s => new Subprogram(s.Key, s.Value)).ToArray();
        var functionStarts = subprograms.Select(s => s.InstructionOffset).Prepend(0).ToArray();

        foreach (var fixup in _fixups)
        {
            var target = TargetOf(fixup);
            var relative = target - (fixup.Index + 1);
            var insn = code[fixup.Index];
            if (fixup.Kind == FixupKind.JumpOffset)
            {
                if (relative is < short.MinValue or > short.MaxValue)
                    throw new AssemblerException(
                        $"jump from {fixup.Index} to '{fixup.Target.Name}' ({target}) is {relative} instructions, beyond the 16-bit offset");
                if (FunctionOf(functionStarts, fixup.Index) != FunctionOf(functionStarts, target))
                    throw new AssemblerException(
                        $"jump from {fixup.Index} to '{fixup.Target.Name}' ({target}) leaves its function; only calls may cross functions");
                code[fixup.Index] = insn with { Offset = (short)relative };
            }
            else
            {
                code[fixup.Index] = insn.WithImm(relative);
            }
        }

        // The verifier insists every function ends in exit or goto, so that execution cannot run into the next one.
        for (var f = 0; f < functionStarts.Length; f++)
        {
            var end = f + 1 < functionStarts.Length ? functionStarts[f + 1] : code.Length;
            var last = code[end - 1];
            if (last.Opcode is not (Opcodes.Jmp | Opcodes.Exit) and not (Opcodes.Jmp | Opcodes.Ja))
            {
                var name = f == 0 ? "the program" : $"function '{subprograms[f - 1].Label.Name}'";
                throw new AssemblerException($"{name} does not end in exit or goto (instruction {end - 1})");
            }
        }

        var labelsAt = new Dictionary<int, string>();
        foreach (var s in subprograms)
            labelsAt[s.InstructionOffset] = s.Label.Name;
        foreach (var (label, index) in _marks.OrderBy(m => m.Value))
            labelsAt.TryAdd(index, label.Name);

        return new AssembledProgram(code, _relocations.ToArray(), subprograms, labelsAt);
    }

    private int TargetOf(Fixup fixup)
    {
        if (!_marks.TryGetValue(fixup.Target, out var target))
            throw new AssemblerException($"label '{fixup.Target.Name}' is used at instruction {fixup.Index} but never marked");
        if (target >= Count)
            throw new AssemblerException($"label '{fixup.Target.Name}' marks the end of the program, not an instruction");
        return target;
    }

    private static int FunctionOf(int[] functionStarts, int index)
    {
        var i = Array.BinarySearch(functionStarts, index);
        return i >= 0 ? i : ~i - 1;
    }
}

/// <summary>
/// A program with labels resolved. <see cref="Link"/> patches in map fds and gives the instructions the
/// BPF_PROG_LOAD command takes.
/// </summary>
internal sealed class AssembledProgram(
    IReadOnlyList<Instruction> instructions,
    IReadOnlyList<MapRelocation> mapRelocations,
    IReadOnlyList<Subprogram> subprograms,
    IReadOnlyDictionary<int, string> labelsAt)
{
    /// <summary>All slots, the second halves of 64-bit immediate loads included; map fds are still 0.</summary>
    public IReadOnlyList<Instruction> Instructions { get; } = instructions;

    /// <summary>64-bit immediate loads that need a map's fd in their first imm.</summary>
    public IReadOnlyList<MapRelocation> MapRelocations { get; } = mapRelocations;

    /// <summary>
    /// Functions other than the main program (which starts at 0), in instruction order: every target of a
    /// bpf-to-bpf call or a callback address. The loader passes one bpf_func_info per function, main first.
    /// </summary>
    public IReadOnlyList<Subprogram> Subprograms { get; } = subprograms;

    /// <summary>Names of the labels placed at instruction indexes, for disassembly.</summary>
    public IReadOnlyDictionary<int, string> LabelsAt { get; } = labelsAt;

    /// <summary>The instructions with each map reference replaced by the fd <paramref name="mapFd"/> returns for it.</summary>
    public ulong[] Link(Func<MapRef, int> mapFd)
    {
        var raw = new ulong[Instructions.Count];
        for (var i = 0; i < raw.Length; i++)
            raw[i] = Instructions[i].Encode();
        foreach (var relocation in MapRelocations)
            raw[relocation.InstructionIndex] =
                Instructions[relocation.InstructionIndex].WithImm(mapFd(relocation.Map)).Encode();
        return raw;
    }
}
