using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(ArgFamily))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>arg0</c>, <c>arg1</c>, …: the probed function's arguments as 64-bit integers. In a kprobe or uprobe they come from
/// the registers of the x86-64 calling convention in pt_regs (rdi, rsi, rdx, rcx, r8, r9) and then from the
/// caller's stack; in a rawtracepoint they are the tracepoint's u64 argument array; in usdt where the probe's argument
/// specs say (<see cref="UsdtArguments"/>).
/// </summary>
internal sealed class Arg(int index) : BuiltinVariable
{
    // Offsets in x86-64 struct pt_regs (arch/x86/include/uapi/asm/ptrace.h).
    private static readonly short[] RegisterOffsets = [112 /* di */, 104 /* si */, 96 /* dx */, 88 /* cx */, 72 /* r8 */, 64 /* r9 */];
    private const short StackPointerOffset = 152;

    /// <summary>A raw tracepoint passes at most this many arguments (MAX_BPF_FUNC_ARGS).</summary>
    public const int MaxRawTracepointArguments = 12;

    public int Index { get; } = index;
    public override string Name => $"arg{Index}";
    public override BpfType Type => BpfType.UInt64;
    public override string AllowedProbes => "'kprobes', 'uprobes', 'usdt' and 'rawtracepoint'";

    public override bool IsAllowedIn(ProbeKind kind) =>
        kind.Context.Arguments is ArgumentSource.Registers or ArgumentSource.UsdtArguments || (kind.Context.Arguments == ArgumentSource.ContextWords && Index < MaxRawTracepointArguments);

    /// <summary>Parses <c>argN</c>; null for any other name.</summary>
    public static Arg? Parse(string name) =>
        name.Length is > 3 and < 6 && name.StartsWith("arg", StringComparison.Ordinal) && name[3..].All(char.IsAsciiDigit)
        && (name.Length == 4 || name[3] != '0')
            ? new Arg(int.Parse(name[3..], System.Globalization.CultureInfo.InvariantCulture))
            : null;

    /// <summary>
    /// A raw tracepoint's argument is a word of its context; a kprobe's or uprobe's a register of pt_regs, or from the
    /// seventh on a word of the caller's stack (kernel or user memory, read with the helper for it).
    /// </summary>
    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var ir = lowering.Ir;
        var kind = lowering.Probe.Kind;
        if (kind.Context.Arguments == ArgumentSource.ContextWords)
            return ir.Load(new PointerAddress(ir.Context, Index * 8), IrInt.U64);
        if (kind.Context.Arguments == ArgumentSource.UsdtArguments)
            return UsdtArguments.Lower(lowering, Index);
        if (Index < RegisterOffsets.Length)
            return ir.Load(new PointerAddress(ir.Context, RegisterOffsets[Index]), IrInt.U64);
        // At function entry [sp] is the return address and the seventh argument is just above it.
        var slot = ir.NewSlot(8);
        var stackPointer = ir.Load(new PointerAddress(ir.Context, StackPointerOffset), IrInt.U64);
        var address = ir.Binary(IrBinaryOp.Add, stackPointer, new Imm(8 * (Index - RegisterOffsets.Length + 1)));
        ir.CallVoid(kind.Context.ReadsUserMemory ? HelperFunction.ProbeReadUser : HelperFunction.ProbeReadKernel, new StackAddress(slot), new Imm(8), address);
        return ir.Load(new SlotAddress(slot), IrInt.U64);
    }
}

/// <summary>The <c>argN</c> family: <c>arg0</c>, <c>arg1</c>, … each an <see cref="Arg"/>.</summary>
internal sealed class ArgFamily : IBuiltinVariableFamily
{
    public IBuiltinVariable? Parse(string name) => Arg.Parse(name);
}
