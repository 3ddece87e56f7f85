using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>Attaches a program to a tracepoint: a perf event for the tracepoint's id, with the program set on it.</summary>
internal static class TracepointAttacher
{
    public static IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Tracefs tracefs)
    {
        var id = tracefs.GetEventId(spec.Target, spec.Name);
        return ProbeAttacher.AttachToEvent(PerfEvent.OpenTracepoint(id, spec.ToString()), program);
    }
}
