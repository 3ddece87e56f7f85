using SharpTrace.Kernel;
using SharpTrace.Kernel.Elf;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// A kind of probe as the binder sees it: its names, how its attach points resolve, the program type that runs and
/// what that program can read of its context. Each kind is a provider in <c>Probes/</c> (which adds attaching,
/// listing and the availability check) and registers itself with <see cref="ProbeKindProviderAttribute"/>; the
/// binder knows kinds only through this class and <see cref="ProbeKinds"/>.
/// </summary>
internal abstract class ProbeKind
{
    /// <summary>The name bpftrace writes in attach points and messages (<c>uretprobe</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Other spellings of the provider in attach points (<c>ur</c>).</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    /// <summary>The program type that runs for this kind; its context is what <see cref="Context"/> describes.</summary>
    public abstract BpfProgramType ProgramType { get; }

    /// <summary>What the program can read of its context: <c>args</c>, <c>argN</c>, <c>retval</c>, <c>func</c>.</summary>
    public virtual ProbeContext Context => ProbeContext.Nothing;

    /// <summary>When the probe runs: attached to the kernel, or in our own process at start (BEGIN) or exit (END).</summary>
    public virtual ProbeRun Run => ProbeRun.Attached;

    /// <summary>Whether <c>-p PID</c> runs the probe only in that process (a predicate); iterators pass the process to the kernel instead.</summary>
    public virtual bool FiltersTargetPid => Run == ProbeRun.Attached;

    /// <summary>Whether <c>--probe-filter</c> applies to this kind's probes: not to those bpftrace calls special (BEGIN, END, <c>self</c>).</summary>
    public virtual bool Filtered => Run == ProbeRun.Attached;

    /// <summary>
    /// The concrete attach points <paramref name="point"/> names (aliases and wildcards resolved); none, with an
    /// error over the attach point, when it names nothing or is malformed.
    /// </summary>
    public abstract IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution);

    /// <summary>Why one probe cannot have all of <paramref name="specs"/> (an iterator takes one), in bpftrace's words, or null.</summary>
    public virtual string? AttachPointsProblem(IReadOnlyList<ProbeSpec> specs) => null;

    /// <summary>
    /// Whether <paramref name="specs"/>, the attach points of one probe, need a program each whatever the body reads
    /// (usdt locations whose arguments lie in different places).
    /// </summary>
    public virtual bool NeedsProgramPerAttachPoint(IReadOnlyList<ProbeSpec> specs) => false;

    /// <summary>
    /// The period in nanoseconds of <paramref name="spec"/> when its program runs on every CPU's timer and keeps only the
    /// first run of each period (<c>interval</c>, so that a CPU busy in another BPF program, whose timer's run the
    /// kernel skips, loses no tick); null for kinds whose program runs at every event.
    /// </summary>
    public virtual long? OncePerPeriod(ProbeSpec spec) => null;

    /// <summary>
    /// Why the builtin variable <paramref name="name"/>, which this kind allows, cannot be read at some of
    /// <paramref name="specs"/> (an <c>argN</c> a usdt probe does not have), or null.
    /// </summary>
    public virtual string? VariableProblem(IReadOnlyList<ProbeSpec> specs, string name) => null;

    /// <summary>
    /// The kernel struct <c>ctx</c> points to at <paramref name="spec"/>, or null where <c>ctx</c> is refused: as the
    /// newest bpftrace types it, <c>pt_regs</c> in kprobe-type programs (kprobes, uprobes, usdt) and
    /// <c>bpf_perf_event_data</c> in perf event programs (profile, interval, software, hardware, watchpoint); an
    /// iterator's <c>bpf_iter__task</c>.
    /// </summary>
    public virtual string? ContextStruct(ProbeSpec spec) => ProgramType switch
    {
        BpfProgramType.Kprobe when Run == ProbeRun.Attached => "pt_regs",
        BpfProgramType.PerfEvent when Run == ProbeRun.Attached => "bpf_perf_event_data",
        _ => null,
    };

    /// <summary>
    /// An attach point's full name as the newest bpftrace names it (<see cref="ProbeSpec.ToString"/>): the value of the
    /// <c>probe</c> builtin, the name in messages, dumps and the API.
    /// </summary>
    public virtual string Describe(ProbeSpec spec) => $"{Name}:{spec.Target}:{spec.Name}";

    /// <summary>
    /// What <c>Attached N probes</c> counts <paramref name="spec"/> as: attach points of one probe with the same key
    /// count once (the newest bpftrace attaches them together: a usdt probe's locations through one link), null counts
    /// the point alone.
    /// </summary>
    public virtual string? AttachedCountKey(ProbeSpec spec) => null;

    /// <summary>How <c>-l</c> with a program prints the attach point: as <see cref="Describe"/> unless the kind lists it otherwise (C++ uprobes by their demangled names).</summary>
    public virtual string Listed(ProbeSpec spec) => Describe(spec);

    public override string ToString() => Name;

    // A kind is its provider's type: two catalogs' instances of one provider are the same kind.
    public override bool Equals(object? obj) => obj is ProbeKind other && other.GetType() == GetType();

    public override int GetHashCode() => GetType().GetHashCode();
}

/// <summary>When a probe's program runs.</summary>
internal enum ProbeRun
{
    /// <summary>Attached to the kernel, run by events.</summary>
    Attached,
    /// <summary>Run once in our process after every other probe is attached (BEGIN).</summary>
    AtStart,
    /// <summary>Run once in our process after the others are detached (END).</summary>
    AtExit,
    /// <summary>Run in our process each time it receives the signal the attach point names (<c>self:signal:SIGUSR1</c>).</summary>
    OnSignal,
    /// <summary>Run once in our process, in test mode only (<c>--test</c>), its result checked (<c>test:NAME</c>).</summary>
    Test,
    /// <summary>Run repeatedly in our process, in bench mode only (<c>--bench</c>), and timed (<c>bench:NAME</c>).</summary>
    Bench,
}

/// <summary>How <c>arg0</c>, <c>arg1</c>… are read.</summary>
internal enum ArgumentSource
{
    None,
    /// <summary>From the registers of a <c>struct pt_regs</c> (kprobe, uprobe), then the caller's stack.</summary>
    Registers,
    /// <summary>From an array of u64 words that is the context (rawtracepoint).</summary>
    ContextWords,
    /// <summary>
    /// From where the attach point's USDT argument specs say (<see cref="ProbeSpec.Usdt"/>): registers of a
    /// <c>struct pt_regs</c>, user memory near them, constants.
    /// </summary>
    UsdtArguments,
}

/// <summary>Where <c>args.NAME</c> comes from.</summary>
internal enum ArgsSource
{
    None,
    /// <summary>The tracepoint's tracefs format file.</summary>
    TracepointFormat,
    /// <summary>The raw tracepoint's prototype in BTF (<c>btf_trace_NAME</c>).</summary>
    BtfTracepoint,
    /// <summary>The traced kernel function's prototype in BTF.</summary>
    BtfFunction,
    /// <summary>
    /// The traced user function's parameters in its binary's DWARF (<see cref="ProbeSpec.DebugInfo"/>), each in the
    /// register (or stack word) its position gives it, as <c>argN</c> reads it.
    /// </summary>
    DwarfFunction,
}

/// <summary>Where <c>retval</c> comes from.</summary>
internal enum RetvalSource
{
    None,
    /// <summary>The return register in <c>struct pt_regs</c>.</summary>
    Register,
    /// <summary>The word after the function's arguments, typed by its BTF prototype (fexit).</summary>
    BtfFunctionReturn,
}

/// <summary>What <c>func</c> can be.</summary>
internal enum FuncSource
{
    None,
    /// <summary>Only the function the attach point names (return probes and fentry have no instruction pointer in it).</summary>
    AttachPointOnly,
    /// <summary>The attach point's function, or the user function holding the instruction pointer.</summary>
    UserInstructionPointer,
    /// <summary>Only the attach point's user function (a uretprobe's instruction pointer is back in the caller).</summary>
    UserAttachPointOnly,
    /// <summary>The attach point's function, or the kernel function holding the instruction pointer.</summary>
    KernelInstructionPointer,
}

/// <summary>What a probe kind's program can read of its context; the builtins that read it bind against this.</summary>
internal sealed record ProbeContext
{
    /// <summary>No arguments, no return value, no function: BEGIN, END, timers, counters.</summary>
    public static ProbeContext Nothing { get; } = new();

    public ArgumentSource Arguments { get; init; }
    public ArgsSource Args { get; init; }
    public RetvalSource Retval { get; init; }
    public FuncSource Func { get; init; }

    /// <summary>Whether integers used as pointers (<c>str(arg0)</c>) point into user memory.</summary>
    public bool ReadsUserMemory { get; init; }

    /// <summary>
    /// Whether <c>printf</c> writes to the context's seq_file (<c>bpf_seq_printf</c>, iterators: the text is what
    /// reading the iterator returns) instead of sending a record.
    /// </summary>
    public bool PrintsToSeqFile { get; init; }
}

/// <summary>
/// What resolving attach points may consult: the tracepoints, where errors go, and the binaries uprobes read, kept
/// for the whole compilation (ssllatency's fourteen libcrypto probes read libcrypto once).
/// </summary>
/// <paramref name="Config"/> is the program's configuration (<c>missing_probes</c>, <c>-p</c>, <c>-c</c>), the defaults when null.
internal sealed record ProbeResolution(ITracepointCatalog Tracepoints, DiagnosticBag Diagnostics, Dictionary<string, ElfFile> ElfFiles,
    ProgramConfig? Config = null)
{
    /// <summary>The DWARF of the binaries uprobes name, read on first use and kept for the compilation.</summary>
    public CTypes.UserDebugInfo DebugInfo { get; init; } = new(new DebugFileLocator());

    /// <summary>Where the separate debug files of the binaries uprobes name are looked for (<c>--debuginfo</c>).</summary>
    public DebugFileLocator DebugFiles => DebugInfo.Locator;

    /// <summary><c>-p PID</c>: the process whose files uprobe and usdt targets name, and whose mapped files a wildcard target matches.</summary>
    public int? TargetPid => Config?.TargetPid is { } pid && pid > 0 ? pid : null;

    /// <summary>The process uprobes and usdt probes fire in (<c>-p</c>, or <c>-c</c>'s command), null for every process.</summary>
    public int? ProbedPid => TargetPid ?? (Config?.ChildPid is { } child && child > 0 ? child : null);

    /// <summary>The <c>missing_probes</c> config: what <see cref="NoMatches"/> does.</summary>
    public string MissingProbes => Config?.MissingProbes ?? "error";

    /// <summary>
    /// Reports that <paramref name="point"/> names nothing on this machine, as the newest bpftrace words it ("No matches
    /// for tracepoint syscalls:nonsense."): an error, or with <c>missing_probes</c> set to <c>warn</c> a warning that it
    /// is skipped, or with <c>ignore</c> nothing. <paramref name="what"/> is the point without its provider
    /// (<c>syscalls:nonsense</c>).
    /// </summary>
    public void NoMatches(AttachPoint point, ProbeKind kind, string what)
    {
        var message = $"No matches for {kind.Name} {what}";
        if (MissingProbes == "warn")
            Diagnostics.Warning(point.Span, message + ". Skipping.");
        else if (MissingProbes != "ignore")
            Diagnostics.Error(point.Span, message + ".");
    }
}
