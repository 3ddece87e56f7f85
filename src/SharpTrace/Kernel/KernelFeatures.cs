using System.Runtime.InteropServices;
using System.Text;
using SharpTrace.Bpf;

namespace SharpTrace.Kernel;

/// <summary>One answer of a feature probe: whether the kernel has it, and why not when it does not.</summary>
internal sealed record FeatureAnswer(bool Available, string? Reason = null)
{
    public override string ToString() => Available ? "yes" : Reason is null ? "no" : $"no ({Reason})";
}

/// <summary>
/// What the running kernel supports, found by asking it: creating each map type, loading a trivial program of each
/// type, loading a program that calls each helper, and looking for each probe kind's kernel interface. Every answer
/// is asked once per instance and cached, so errors and <c>--info</c> can say exactly what is missing.
/// </summary>
internal sealed class KernelFeatures
{
    private readonly Dictionary<string, FeatureAnswer> _answers = [];

    /// <summary>Map types a tracer uses, with key size, value size, entries and flags that every kernel accepts for them.</summary>
    public static IReadOnlyList<(string Name, BpfMapType Type, int Key, int Value, int Entries, uint Flags)> MapTypes { get; } =
    [
        ("hash", BpfMapType.Hash, 8, 8, 1, 0),
        ("array", BpfMapType.Array, 4, 8, 1, 0),
        ("percpu hash", BpfMapType.PerCpuHash, 8, 8, 1, 0),
        ("percpu array", BpfMapType.PerCpuArray, 4, 8, 1, 0),
        ("lru hash", BpfMapType.LruHash, 8, 8, 1, 0),
        ("lru percpu hash", BpfMapType.LruPerCpuHash, 8, 8, 1, 0),
        ("stack_trace", BpfMapType.StackTrace, 4, 8 * 127, 1, 0),
        ("perf_event_array", BpfMapType.PerfEventArray, 4, 4, 1, 0),
        ("ringbuf", BpfMapType.RingBuf, 0, 0, 4096, 0),
        ("queue", BpfMapType.Queue, 0, 8, 1, 0),
        ("stack", BpfMapType.Stack, 0, 8, 1, 0),
        ("lpm_trie", BpfMapType.LpmTrie, 8, 8, 1, 1 /* BPF_F_NO_PREALLOC, required */),
        ("bloom_filter", BpfMapType.BloomFilter, 0, 8, 1, 0),
    ];

    /// <summary>Program types a tracer loads.</summary>
    public static IReadOnlyList<(string Name, BpfProgramType Type)> ProgramTypes { get; } =
    [
        ("kprobe", BpfProgramType.Kprobe),
        ("tracepoint", BpfProgramType.Tracepoint),
        ("perf_event", BpfProgramType.PerfEvent),
        ("raw_tracepoint", BpfProgramType.RawTracepoint),
    ];

    /// <summary>Helpers bpftrace programs call, and the program type each is asked about.</summary>
    public static IReadOnlyList<(string Name, HelperFunction Helper, BpfProgramType Type)> Helpers { get; } =
    [
        ("probe_read", HelperFunction.ProbeRead, BpfProgramType.Tracepoint),
        ("probe_read_str", HelperFunction.ProbeReadStr, BpfProgramType.Tracepoint),
        ("probe_read_user", HelperFunction.ProbeReadUser, BpfProgramType.Tracepoint),
        ("probe_read_user_str", HelperFunction.ProbeReadUserStr, BpfProgramType.Tracepoint),
        ("probe_read_kernel", HelperFunction.ProbeReadKernel, BpfProgramType.Tracepoint),
        ("probe_read_kernel_str", HelperFunction.ProbeReadKernelStr, BpfProgramType.Tracepoint),
        ("get_current_cgroup_id", HelperFunction.GetCurrentCgroupId, BpfProgramType.Tracepoint),
        ("send_signal", HelperFunction.SendSignal, BpfProgramType.Tracepoint),
        ("override_return", HelperFunction.OverrideReturn, BpfProgramType.Kprobe),
        ("get_boot_ns", HelperFunction.KtimeGetBootNs, BpfProgramType.Tracepoint),
        ("get_stackid", HelperFunction.GetStackid, BpfProgramType.Tracepoint),
        ("ringbuf_output", HelperFunction.RingbufOutput, BpfProgramType.Tracepoint),
        ("for_each_map_elem", HelperFunction.ForEachMapElem, BpfProgramType.Tracepoint),
        ("get_func_ip", HelperFunction.GetFuncIp, BpfProgramType.Tracepoint),
        ("snprintf", HelperFunction.Snprintf, BpfProgramType.Tracepoint),
        ("loop", HelperFunction.Loop, BpfProgramType.Tracepoint),
        ("get_current_task_btf", HelperFunction.GetCurrentTaskBtf, BpfProgramType.Tracepoint),
        // Named and asked about as the newest bpftrace's --info does (a kprobe program).
        ("get_tai_ns", HelperFunction.KtimeGetTaiNs, BpfProgramType.Kprobe),
        ("lookup_percpu_elem", HelperFunction.MapLookupPercpuElem, BpfProgramType.Kprobe),
    ];

    /// <summary>Whether a map of this type can be created.</summary>
    public FeatureAnswer MapType(string name) => Ask($"map:{name}", () =>
    {
        var (_, type, key, value, entries, flags) = MapTypes.Single(m => m.Name == name);
        using var map = BpfMap.Create(type, key, value, entries, "feature", flags);
        return new FeatureAnswer(true);
    });

    /// <summary>Whether a trivial program (<c>r0 = 0; exit</c>) of this type loads.</summary>
    public FeatureAnswer ProgramType(string name) => Ask($"prog:{name}", () =>
    {
        using var program = BpfProgram.Load(ProgramTypes.Single(p => p.Name == name).Type, ReturnZero(new Assembler()), "feature");
        return new FeatureAnswer(true);
    });

    /// <summary>
    /// Whether a program may call the helper. A program that only calls it is rejected either way (its arguments are
    /// not set up); the verifier's words say why: an unknown helper or one not allowed for the program type means no.
    /// </summary>
    public FeatureAnswer Helper(string name) => Ask($"helper:{name}", () =>
    {
        var (_, helper, type) = Helpers.Single(h => h.Name == name);
        try
        {
            using var program = BpfProgram.Load(type, ReturnZero(new Assembler().Call(helper)), "feature");
            return new FeatureAnswer(true);
        }
        catch (BpfLoadException e)
        {
            return IsMissingHelper(e.VerifierLog)
                ? new FeatureAnswer(false, e.VerifierLog.Split('\n').First(IsMissingHelper).Trim())
                : new FeatureAnswer(true);
        }
    });

    /// <summary>BTF of the running kernel, where kernel types come from.</summary>
    public FeatureAnswer Btf => Ask("btf", () => File.Exists("/sys/kernel/btf/vmlinux")
        ? new FeatureAnswer(true)
        : new FeatureAnswer(false, "no /sys/kernel/btf/vmlinux: kernel built without CONFIG_DEBUG_INFO_BTF"));

    /// <summary>Bounded loops in programs (Linux 5.3).</summary>
    public FeatureAnswer BoundedLoops => Ask("loops", () =>
    {
        var asm = new Assembler();
        var loop = asm.NewLabel("loop");
        asm.Mov(Reg.R0, 0).Mark(loop).Alu(AluOp.Add, Reg.R0, 1).JumpIf(JumpOp.Lt, Reg.R0, 4, loop).Exit();
        using var program = BpfProgram.Load(BpfProgramType.Tracepoint, asm.Assemble().Link(_ => 0), "feature");
        return new FeatureAnswer(true);
    });

    /// <summary>Running a raw tracepoint program in our own process (BPF_PROG_TEST_RUN): how BEGIN and END run.</summary>
    public FeatureAnswer RawTracepointTestRun => Ask("test_run", () =>
    {
        using var program = BpfProgram.Load(BpfProgramType.RawTracepoint, ReturnZero(new Assembler()), "feature");
        program.TestRun();
        return new FeatureAnswer(true);
    });

    /// <summary>Whether a probe kind's kernel interface exists on this machine.</summary>
    public FeatureAnswer ProbeKind(string kind) => Ask($"probe:{kind}", () => kind switch
    {
        "tracepoint" => HasPmu("tracepoint") && TracefsEvents()
            ? new FeatureAnswer(true)
            : new FeatureAnswer(false, "no tracepoint PMU or no tracefs events"),
        "kprobe" => HasPmu("kprobe") || File.Exists(Path.Combine(TracefsRoot(), "kprobe_events"))
            ? new FeatureAnswer(true)
            : new FeatureAnswer(false, "no kprobe PMU and no kprobe_events: kernel built without CONFIG_KPROBES"),
        "uprobe" => HasPmu("uprobe") || File.Exists(Path.Combine(TracefsRoot(), "uprobe_events"))
            ? new FeatureAnswer(true)
            : new FeatureAnswer(false, "no uprobe PMU and no uprobe_events: kernel built without CONFIG_UPROBES"),
        "software" => OpensPerfEvent(PerfEventType.Software, 0 /* PERF_COUNT_SW_CPU_CLOCK */),
        "hardware" => HasPmu("cpu") ? OpensPerfEvent(PerfEventType.Hardware, 0 /* PERF_COUNT_HW_CPU_CYCLES */) : new FeatureAnswer(false, "no hardware PMU (no /sys/bus/event_source/devices/cpu)"),
        "watchpoint" => HasPmu("breakpoint") ? new FeatureAnswer(true) : new FeatureAnswer(false, "no breakpoint PMU"),
        "rawtracepoint" => AttachesRawTracepoint(),
        "fentry" => AttachesTrampoline(),
        // As the newest bpftrace asks: a program for the task iterator loads.
        "iter" => IteratorLink.Loadable(["task"]).GetValueOrDefault("task")
            ? new FeatureAnswer(true)
            : new FeatureAnswer(false, "no program for the task iterator (bpf_iter_task) loads"),
        "kprobe_multi" => AttachesKprobeMulti(42 /* BPF_TRACE_KPROBE_MULTI */),
        "kprobe_session" => AttachesKprobeMulti(56 /* BPF_TRACE_KPROBE_SESSION */),
        "uprobe_multi" => TakesUprobeMulti(),
        _ => throw new ArgumentException($"unknown probe kind {kind}", nameof(kind)),
    });

    /// <summary>The probe kinds <see cref="ProbeKind"/> answers for.</summary>
    public static IReadOnlyList<string> ProbeKinds { get; } = ["tracepoint", "kprobe", "uprobe", "software", "hardware", "watchpoint", "rawtracepoint", "fentry", "iter", "kprobe_multi", "uprobe_multi", "kprobe_session"];

    /// <summary>
    /// A kprobe program attached to ksys_read through one multi-kprobe link (or a session's), as the newest bpftrace asks
    /// for its kprobe_multi and kprobe_session.
    /// </summary>
    private static unsafe FeatureAnswer AttachesKprobeMulti(uint attachType)
    {
        using var program = BpfProgram.Load(BpfProgramType.Kprobe, ReturnZero(new Assembler()), "feature", expectedAttachType: attachType);
        var symbol = Encoding.ASCII.GetBytes("ksys_read\0");
        fixed (byte* name = symbol)
        {
            var names = (ulong)name;
            var attr = new KprobeMultiLinkCreateAttr { ProgFd = (uint)program.Fd, AttachType = attachType, Count = 1, Symbols = (ulong)&names };
            var fd = Native.Bpf(BpfCommand.LinkCreate, ref attr);
            if (fd < 0)
                throw KernelException.FromLastError("attach a multi-kprobe link to ksys_read");
            new FileDescriptor(fd).Dispose();
        }
        return new FeatureAnswer(true);
    }

    /// <summary>
    /// Multi-uprobe links, asked as the newest bpftrace asks: a link on the directory "/" is refused as a bad file
    /// (EBADF) only by a kernel that takes such links.
    /// </summary>
    private static FeatureAnswer TakesUprobeMulti()
    {
        using var program = BpfProgram.Load(BpfProgramType.Kprobe, ReturnZero(new Assembler()), "feature", expectedAttachType: UprobeMultiLink.AttachType);
        try
        {
            using var link = UprobeMultiLink.Attach(program, "/", [0], isReturn: false, pid: null, "/");
            return new FeatureAnswer(false, "a multi-uprobe link on a directory was taken");
        }
        catch (KernelException e) when (e.Errno == 9 /* EBADF */)
        {
            return new FeatureAnswer(true);
        }
    }

    /// <summary>A raw_tracepoint program loaded and attached to a raw tracepoint, as a rawtracepoint probe is.</summary>
    private static FeatureAnswer AttachesRawTracepoint()
    {
        using var program = BpfProgram.Load(BpfProgramType.RawTracepoint, ReturnZero(new Assembler()), "feature");
        using var link = RawTracepointLink.Open("sched_switch", program);
        return new FeatureAnswer(true);
    }

    /// <summary>
    /// A BPF trampoline (fentry and fexit probes): a tracing program loaded for a kernel function and attached, as
    /// such a probe is; some kernels load it but refuse the attachment.
    /// </summary>
    private static FeatureAnswer AttachesTrampoline()
    {
        var function = KernelFunctionCalls.FunctionId("vfs_read");
        if (function == 0)
            return new FeatureAnswer(false, "no BTF for kernel functions");
        using var program = BpfProgram.Load(BpfProgramType.Tracing, ReturnZero(new Assembler()), "feature",
            expectedAttachType: 24 /* BPF_TRACE_FENTRY */, attachBtfId: function);
        var attr = new RawTracepointOpenAttr { ProgFd = (uint)program.Fd };
        var fd = Native.Bpf(BpfCommand.RawTracepointOpen, ref attr);
        if (fd < 0)
            throw KernelException.FromLastError("attach a BPF trampoline to vfs_read");
        new FileDescriptor(fd).Dispose();
        return new FeatureAnswer(true);
    }

    /// <summary>Every answer, in the sections <c>--info</c> prints.</summary>
    public string Report(string version)
    {
        var text = new StringBuilder();
        text.Append("System\n");
        text.Append($"  OS: {Uname()}\n");
        text.Append($"  Arch: {Read("/proc/sys/kernel/arch")}\n\n");
        text.Append($"Build\n  version: {version}\n  compiler: SharpTrace (no LLVM)\n\n");
        Section(text, "Kernel helpers", Helpers.Select(h => (h.Name, Helper(h.Name))));
        Section(text, "Kernel features",
        [
            ("btf", Btf), ("bounded loops", BoundedLoops), ("ringbuf", MapType("ringbuf")),
            ("BEGIN/END in process (raw_tracepoint test run)", RawTracepointTestRun),
        ]);
        Section(text, "Map types", MapTypes.Select(m => (m.Name, MapType(m.Name))));
        Section(text, "Program types", ProgramTypes.Select(p => (p.Name, ProgramType(p.Name))));
        Section(text, "Probe kinds", ProbeKinds.Select(k => (k, ProbeKind(k))));
        text.Length--; // no blank line after the last section
        return text.ToString();
    }

    private static void Section(StringBuilder text, string title, IEnumerable<(string Name, FeatureAnswer Answer)> rows)
    {
        text.Append(title).Append('\n');
        foreach (var (name, answer) in rows)
            text.Append($"  {name}: {answer}\n");
        text.Append('\n');
    }

    private FeatureAnswer Ask(string key, Func<FeatureAnswer> probe)
    {
        if (_answers.TryGetValue(key, out var known))
            return known;
        FeatureAnswer answer;
        try
        {
            answer = probe();
        }
        catch (KernelException e)
        {
            answer = new FeatureAnswer(false, KernelException.Describe(e.Errno));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            answer = new FeatureAnswer(false, e.Message);
        }
        return _answers[key] = answer;
    }

    private static bool IsMissingHelper(string verifierLog) =>
        verifierLog.Contains("invalid func", StringComparison.Ordinal)
        || verifierLog.Contains("unknown func", StringComparison.Ordinal)
        || verifierLog.Contains("cannot call", StringComparison.Ordinal)
        || verifierLog.Contains("cannot use helper", StringComparison.Ordinal);

    private static FeatureAnswer OpensPerfEvent(PerfEventType type, ulong config)
    {
        var attr = new PerfEventAttr { Type = (uint)type, Config = config, SamplePeriodOrFrequency = 1_000_000, Flags = PerfEventFlags.Disabled };
        using var perfEvent = PerfEvent.Open(attr, pid: -1, cpu: 0, $"{type} feature probe");
        return new FeatureAnswer(true);
    }

    private static bool HasPmu(string name) => PerfEvent.HasPmu(name);

    private static string TracefsRoot() => Tracefs.EnsureMounted();

    private static bool TracefsEvents() => Directory.Exists(Path.Combine(TracefsRoot(), "events"));

    private static string Uname() => $"Linux {Read("/proc/sys/kernel/osrelease")} {Read("/proc/sys/kernel/version")}";

    private static string Read(string file) => File.Exists(file) ? File.ReadAllText(file).Trim() : "?";

    /// <summary>The program so far, then <c>r0 = 0; exit</c>, ready to load (feature probes use no maps).</summary>
    private static ulong[] ReturnZero(Assembler asm) => asm.Mov(Reg.R0, 0).Exit().Assemble().Link(_ => 0);
}
