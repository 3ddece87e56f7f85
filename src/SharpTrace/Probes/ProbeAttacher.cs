using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Probes;

/// <summary>Attaches a loaded program to one attach point, through the provider of the point's kind, and the pieces providers share.</summary>
internal static class ProbeAttacher
{
    /// <summary>
    /// Attaches <paramref name="program"/> at <paramref name="spec"/> through its kind's provider; disposing the result
    /// detaches it. On failure nothing stays attached. <paramref name="tracefs"/> is asked for only by kinds that need it.
    /// </summary>
    public static IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProviderOf(spec).Attach(spec, program, tracefs);

    /// <summary>
    /// Attaches every program at its attach points, handing each attachment to <paramref name="attached"/> as soon as it
    /// exists (so that a failure part way leaves nothing the caller cannot release). <c>syscalls</c> tracepoints whose
    /// programs were loaded for the raw syscall tracepoints go through them (<see cref="SyscallDispatch"/>, given
    /// <paramref name="syscalls"/>); every other point is attached on its own. Before each attachment it asks
    /// <paramref name="stop"/>: once true it attaches nothing more and returns false. <paramref name="skip"/>, when
    /// given, hears an attach point (by name) that failed to attach and says whether the run goes on without it
    /// (<c>missing_probes</c>); otherwise, or when it says no, the failure is thrown.
    /// </summary>
    public static bool AttachAll(IReadOnlyList<(ProbeSpec Spec, BpfProgram Program)> points, Func<Tracefs> tracefs,
        SyscallDispatch.Support? syscalls, Action<IProbeAttachment> attached, Func<bool> stop,
        Func<string, KernelException, bool>? skip = null)
    {
        skip ??= (_, _) => false;
        var (dispatched, rest) = SyscallDispatch.Plan(points, syscalls);
        foreach (var group in dispatched)
        {
            if (stop())
                return false;
            attached(SyscallDispatch.Attach(group));
        }
        // A program loaded for uprobe_multi links takes all its uprobes of one file through one link.
        var linked = rest.Where(p => p.Program.ExpectedAttachType == UprobeMultiLink.AttachType).ToList();
        foreach (var group in linked.GroupBy(p => (p.Program, p.Spec.Kind, p.Spec.Target, p.Spec.Pid)))
        {
            if (stop())
                return false;
            var first = group.First().Spec;
            var description = group.Count() == 1 ? first.ToString() : $"{first} and {group.Count() - 1} more";
            attached(UprobeMultiLink.Attach(group.Key.Program, group.Key.Target, group.Select(p => p.Spec.FileOffset).ToList(),
                group.Key.Kind is UretprobeProbe, first.Pid, description));
        }
        foreach (var (spec, program) in rest.Where(p => p.Program.ExpectedAttachType != UprobeMultiLink.AttachType))
        {
            if (stop())
                return false;
            try
            {
                attached(Attach(spec, program, tracefs));
            }
            catch (KernelException e) when (skip(spec.ToString(), e))
            {
                // Skipped: missing_probes lets the run go on without this point.
            }
        }
        return true;
    }

    /// <summary>
    /// Loads a probe's program as its attach points want it: a program only on uprobes or uretprobes is loaded for
    /// uprobe_multi links (<see cref="UprobeMultiLink"/>) where the kernel has them.
    /// </summary>
    public static BpfProgram Load(BpfProgramType type, ReadOnlySpan<ulong> instructions, string name,
        IReadOnlyList<ProbeSpec> points, string license, BtfFuncInfo? funcInfo)
    {
        if (points.Count == 1 && ProviderOf(points[0]).LoadTarget(points[0]) is var (attachType, attachBtfId))
            return BpfProgram.Load(type, instructions, name, license, attachType, funcInfo, attachBtfId);
        if (points.Count > 0 && points.All(p => p.Kind is UprobeProbe or UretprobeProbe && p.Unresolved is null))
        {
            try
            {
                return BpfProgram.Load(type, instructions, name, license, UprobeMultiLink.AttachType, funcInfo);
            }
            catch (BpfLoadException)
            {
                // A kernel before 6.6 has no uprobe_multi: the program goes on perf events.
            }
        }
        return BpfProgram.Load(type, instructions, name, license, funcInfo: funcInfo);
    }

    /// <summary>
    /// Throws <see cref="ProbeUnavailableException"/> when <paramref name="spec"/> cannot attach on this kernel;
    /// asked for every probe before anything is loaded, so such a script fails with one line and leaves nothing behind.
    /// </summary>
    public static void ThrowIfUnavailable(ProbeSpec spec)
    {
        if ((spec.Unresolved ?? ProviderOf(spec).Unavailability(spec)) is { } reason)
            throw new ProbeUnavailableException(spec.ToString(), reason);
    }

    // Every registered kind is a provider; the binder sees them only as probe kinds.
    private static ProbeProvider ProviderOf(ProbeSpec spec) =>
        spec.Kind as ProbeProvider ?? throw new InvalidOperationException($"probe kind {spec.Kind} has no provider");

    /// <summary>Opens one perf event per CPU with <paramref name="open"/> and attaches the program to each; all or none.</summary>
    public static IProbeAttachment AttachOnEveryCpu(BpfProgram program, Func<int, PerfEvent> open) =>
        AttachToEach(program, PerfEvent.OnlineCpus(), open);

    /// <summary>
    /// Opens one perf event per item (a CPU, a thread) with <paramref name="open"/> and attaches the program to each; all
    /// or none. The events are enabled together once all are attached, so that per-CPU timers (an interval's, a
    /// profile's) start within microseconds of each other, in phase, however long the opening took.
    /// </summary>
    public static IProbeAttachment AttachToEach(BpfProgram program, IEnumerable<int> items, Func<int, PerfEvent> open)
    {
        var events = new AttachedEvents();
        try
        {
            foreach (var item in items)
                events.Add(AttachToEvent(open(item), program, enable: false));
            events.Enable();
            return events;
        }
        catch
        {
            events.Dispose();
            throw;
        }
    }

    /// <summary>Sets the program on a freshly opened event and enables it (unless told not to); closes the event if that fails.</summary>
    public static PerfEvent AttachToEvent(PerfEvent perfEvent, BpfProgram program, bool enable = true)
    {
        try
        {
            perfEvent.AttachProgram(program, enable);
            return perfEvent;
        }
        catch
        {
            perfEvent.Dispose();
            throw;
        }
    }

    /// <summary>Several perf events that make one attach point (one per CPU).</summary>
    private sealed class AttachedEvents : IProbeAttachment
    {
        private readonly List<PerfEvent> _events = [];

        public void Add(PerfEvent perfEvent) => _events.Add(perfEvent);

        public void Enable()
        {
            foreach (var perfEvent in _events)
                perfEvent.Enable();
        }

        public void Stop()
        {
            foreach (var perfEvent in _events)
                perfEvent.Stop();
        }

        public void Dispose()
        {
            foreach (var perfEvent in _events)
                perfEvent.Dispose();
            _events.Clear();
        }
    }
}
