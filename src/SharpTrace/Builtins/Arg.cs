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
        return RegisterArguments.Load(ir, Index, kind.Context.ReadsUserMemory);
    }
}

/// <summary>The <c>argN</c> family: <c>arg0</c>, <c>arg1</c>, … each an <see cref="Arg"/>.</summary>
internal sealed class ArgFamily : IBuiltinVariableFamily
{
    public IBuiltinVariable? Parse(string name) => Arg.Parse(name);
}
