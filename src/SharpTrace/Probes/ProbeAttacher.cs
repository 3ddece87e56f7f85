using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>Attaches a loaded program to one attach point, through the attacher of the point's kind.</summary>
internal static class ProbeAttacher
{
    /// <summary>
    /// Attaches <paramref name="program"/> at <paramref name="spec"/>; disposing the result detaches it. On failure
    /// nothing stays attached. <paramref name="tracefs"/> is asked for only by kinds that need it.
    /// </summary>
    public static IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) => spec.Kind switch
    {
        ProbeKind.Tracepoint => TracepointAttacher.Attach(spec, program, tracefs()),
        ProbeKind.RawTracepoint => RawTracepointLink.Open(spec.Name, program),
        ProbeKind.Uprobe or ProbeKind.Uretprobe => UprobeAttacher.Attach(spec, program),
        ProbeKind.Kprobe or ProbeKind.Kretprobe => KprobeAttacher.Attach(spec, program),
        ProbeKind.Interval => IntervalAttacher.Attach(spec, program),
        ProbeKind.Profile => ProfileAttacher.Attach(spec, program),
        ProbeKind.Software => SoftwareAttacher.Attach(spec, program),
        _ => throw new InvalidOperationException($"{spec} is not attached to the kernel"),
    };

    /// <summary>
    /// Throws <see cref="ProbeUnavailableException"/> when <paramref name="spec"/>'s kind cannot attach on this kernel;
    /// asked for every probe before anything is loaded, so such a script fails with one line and leaves nothing behind.
    /// </summary>
    public static void ThrowIfUnavailable(ProbeSpec spec)
    {
        var reason = spec.Unresolved ?? spec.Kind switch
        {
            ProbeKind.Kprobe or ProbeKind.Kretprobe => KprobeAttacher.Unavailability(spec),
            // Loading fentry and fexit programs (BTF trampolines) is not implemented: this kernel refuses them.
            ProbeKind.Fentry or ProbeKind.Fexit => ProbeSpecResolver.Unavailable[ProbeSpec.NameOf(spec.Kind)],
            _ => null,
        };
        if (reason is not null)
            throw new ProbeUnavailableException(spec.ToString(), reason);
    }

    /// <summary>Opens one perf event per CPU with <paramref name="open"/> and attaches the program to each; all or none.</summary>
    public static IProbeAttachment AttachOnEveryCpu(BpfProgram program, Func<int, PerfEvent> open)
    {
        var events = new AttachedEvents();
        try
        {
            foreach (var cpu in PerfEvent.OnlineCpus())
                events.Add(AttachToEvent(open(cpu), program));
            return events;
        }
        catch
        {
            events.Dispose();
            throw;
        }
    }

    /// <summary>Sets the program on a freshly opened event and enables it; closes the event if that fails.</summary>
    public static PerfEvent AttachToEvent(PerfEvent perfEvent, BpfProgram program)
    {
        try
        {
            perfEvent.AttachProgram(program);
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
