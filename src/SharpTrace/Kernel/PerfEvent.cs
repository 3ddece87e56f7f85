using System.Globalization;

namespace SharpTrace.Kernel;

/// <summary>A perf event (perf_event_open) that a BPF program can be attached to; closing it detaches the program.</summary>
internal sealed class PerfEvent : IProbeAttachment
{
    private const ulong FlagFdCloexec = 1UL << 3; // PERF_FLAG_FD_CLOEXEC
    private const ulong IocEnable = 0x2400; // _IO('$', 0)
    private const ulong IocDisable = 0x2401; // _IO('$', 1)
    private const ulong IocSetBpf = 0x40042408; // _IOW('$', 8, __u32)

    private const uint AttachTypePerfEvent = 41; // BPF_PERF_EVENT

    private readonly FileDescriptor _fd;
    private FileDescriptor? _link;

    private PerfEvent(FileDescriptor fd, string description)
    {
        _fd = fd;
        Description = description;
    }

    /// <summary>The event's file descriptor.</summary>
    public int Fd => _fd.Value;

    /// <summary>What the event is, for error messages (e.g. "tracepoint:syscalls:sys_enter_getpid").</summary>
    public string Description { get; }

    /// <summary>
    /// Opens any perf event: <paramref name="pid"/> -1 with a <paramref name="cpu"/> for system-wide events,
    /// a pid with cpu -1 to follow one process.
    /// </summary>
    public static PerfEvent Open(PerfEventAttr attr, int pid, int cpu, string description)
    {
        attr.Size = PerfEventAttr.SizeVer7;
        var fd = Native.PerfEventOpen(ref attr, pid, cpu, groupFd: -1, FlagFdCloexec);
        if (fd < 0)
            throw KernelException.FromLastError($"open perf event {description}");
        return new PerfEvent(new FileDescriptor(fd), description);
    }

    /// <summary>
    /// Opens a tracepoint (id from <see cref="Tracefs.GetEventId"/>), disabled until a program is attached.
    /// One event on CPU 0 with pid -1 sees the tracepoint fire on every CPU, because BPF runs before perf's
    /// per-CPU filtering.
    /// </summary>
    public static PerfEvent OpenTracepoint(int tracepointId, string description)
    {
        var attr = new PerfEventAttr
        {
            Type = (uint)PerfEventType.Tracepoint,
            Config = (ulong)tracepointId,
            SamplePeriodOrFrequency = 1,
            WakeupEvents = 1,
            Flags = PerfEventFlags.Disabled,
        };
        return Open(attr, pid: -1, cpu: 0, description);
    }

    /// <summary>
    /// Opens a uprobe or uretprobe through the uprobe PMU: <paramref name="fileOffset"/> in the file at
    /// <paramref name="path"/>, in every process (<paramref name="pid"/> -1) or in one. Disabled until a program is attached.
    /// A non-zero <paramref name="referenceCounterOffset"/> is the file offset of a USDT semaphore: the kernel adds 1 to
    /// it in every process that maps the file while the event exists (and in processes that map it later), and
    /// takes the 1 back when the event closes.
    /// </summary>
    public static PerfEvent OpenUprobe(string path, ulong fileOffset, bool isReturn, int pid, string description, ulong referenceCounterOffset = 0) =>
        OpenDynamicProbe("uprobe", path, fileOffset, isReturn, pid, description, referenceCounterOffset);

    /// <summary>Whether the uprobe PMU takes a reference counter (USDT semaphore) offset in its config (Linux 4.20).</summary>
    public static bool UprobeHasReferenceCounter() => File.Exists("/sys/bus/event_source/devices/uprobe/format/ref_ctr_offset");

    /// <summary>
    /// Opens a kprobe (or kretprobe when <paramref name="isReturn"/>) of the kprobe PMU at <paramref name="function"/>
    /// plus <paramref name="offset"/>, for every process; disabled until a program is attached.
    /// </summary>
    public static PerfEvent OpenKprobe(string function, ulong offset, bool isReturn, string description) =>
        OpenDynamicProbe("kprobe", function, offset, isReturn, pid: -1, description);

    /// <summary>A probe of the kprobe or uprobe PMU: config1 points at the function or path, config2 is the offset.</summary>
    private static unsafe PerfEvent OpenDynamicProbe(string pmu, string target, ulong offset, bool isReturn, int pid, string description,
        ulong referenceCounterOffset = 0)
    {
        var targetBytes = System.Text.Encoding.UTF8.GetBytes(target + "\0");
        fixed (byte* t = targetBytes)
        {
            var attr = new PerfEventAttr
            {
                Type = (uint)PmuType(pmu),
                Config = (isReturn ? 1UL << PmuFormatBit(pmu, "retprobe") : 0)
                    | (referenceCounterOffset != 0 ? referenceCounterOffset << PmuFormatBit(pmu, "ref_ctr_offset") : 0),
                Config1 = (ulong)t,
                Config2 = offset,
                SamplePeriodOrFrequency = 1,
                WakeupEvents = 1,
                Flags = PerfEventFlags.Disabled,
            };
            // As for tracepoints, one event on CPU 0 sees every CPU when no pid is given.
            return Open(attr, pid, pid == -1 ? 0 : -1, description);
        }
    }

    /// <summary>
    /// Opens a software counter (PERF_TYPE_SOFTWARE, <paramref name="config"/> from enum perf_sw_ids) on one CPU for
    /// every process, sampling every <paramref name="period"/> events, or <paramref name="period"/> times a second
    /// when <paramref name="isFrequency"/>. Disabled until a program is attached.
    /// </summary>
    public static PerfEvent OpenSoftware(ulong config, ulong period, bool isFrequency, int cpu, string description)
    {
        var attr = new PerfEventAttr
        {
            Type = (uint)PerfEventType.Software,
            Config = config,
            SamplePeriodOrFrequency = period,
            WakeupEvents = 1,
            Flags = PerfEventFlags.Disabled | (isFrequency ? PerfEventFlags.Frequency : PerfEventFlags.None),
        };
        return Open(attr, pid: -1, cpu, description);
    }

    /// <summary>The CPUs that are online now (/sys/devices/system/cpu/online), where per-CPU events are opened.</summary>
    public static IReadOnlyList<int> OnlineCpus()
    {
        var cpus = new List<int>();
        foreach (var part in File.ReadAllText("/sys/devices/system/cpu/online").Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            var first = int.Parse(range[0], CultureInfo.InvariantCulture);
            var last = range.Length == 2 ? int.Parse(range[1], CultureInfo.InvariantCulture) : first;
            for (var cpu = first; cpu <= last; cpu++)
                cpus.Add(cpu);
        }
        return cpus;
    }

    /// <summary>The bit a dynamic PMU's format file names for a flag, e.g. "config:0" for uprobe's retprobe.</summary>
    private static int PmuFormatBit(string pmu, string flag)
    {
        var format = File.ReadAllText($"/sys/bus/event_source/devices/{pmu}/format/{flag}").Trim();
        return int.Parse(format[(format.IndexOf(':') + 1)..].Split('-')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The type number of a dynamic PMU such as "uprobe" (/sys/bus/event_source/devices/NAME/type).</summary>
    /// <summary>Whether the kernel has the PMU <paramref name="pmu"/> (kprobe, uprobe, breakpoint...).</summary>
    public static bool HasPmu(string pmu) => File.Exists($"/sys/bus/event_source/devices/{pmu}/type");

    public static int PmuType(string pmu) =>
        int.Parse(File.ReadAllText($"/sys/bus/event_source/devices/{pmu}/type").Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// Attaches <paramref name="program"/> and enables the event unless <paramref name="enable"/> is false (the caller
    /// then calls <see cref="Enable"/>). The program is attached through a BPF link (BPF_LINK_CREATE) where the kernel
    /// has them, so that <see cref="Stop"/> can detach it at once without closing the event; otherwise through
    /// PERF_EVENT_IOC_SET_BPF.
    /// </summary>
    public void AttachProgram(BpfProgram program, bool enable = true)
    {
        var attr = new LinkCreateAttr { ProgFd = (uint)program.Fd, TargetFd = (uint)Fd, AttachType = AttachTypePerfEvent };
        var link = Native.Bpf(BpfCommand.LinkCreate, ref attr);
        if (link >= 0)
            _link = new FileDescriptor(link);
        else if (Native.Ioctl(Fd, IocSetBpf, program.Fd) != 0)
            throw KernelException.FromLastError($"attach program {program.Name} to {Description}");
        if (enable)
            Enable();
    }

    /// <summary>
    /// Stops the program from running, quickly: detaches it (closes its link) and disables the event. Closing the
    /// event itself can wait for the kernel (a tracepoint's last perf event waits for RCU grace periods).
    /// </summary>
    public void Stop()
    {
        _link?.Dispose();
        if (!_fd.IsClosed)
            Native.Ioctl(Fd, IocDisable, 0);
    }

    /// <summary>Starts delivering events (PERF_EVENT_IOC_ENABLE).</summary>
    public void Enable()
    {
        if (Native.Ioctl(Fd, IocEnable, 0) != 0)
            throw KernelException.FromLastError($"enable {Description}");
    }

    /// <summary>Stops delivering events (PERF_EVENT_IOC_DISABLE).</summary>
    public void Disable()
    {
        if (Native.Ioctl(Fd, IocDisable, 0) != 0)
            throw KernelException.FromLastError($"disable {Description}");
    }

    /// <summary>Closes the event, which detaches its program.</summary>
    public void Dispose()
    {
        _link?.Dispose();
        _fd.Dispose();
    }
}
