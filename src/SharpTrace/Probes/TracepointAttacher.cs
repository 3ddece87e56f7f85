using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>Attaches a program to a tracepoint: a perf event for the tracepoint's id, with the program set on it.</summary>
internal static class TracepointAttacher
{
    public static IDisposable Attach(ProbeSpec spec, BpfProgram program, Tracefs tracefs)
    {
        var id = tracefs.GetEventId(spec.Target, spec.Name);
        var perfEvent = PerfEvent.OpenTracepoint(id, spec.ToString());
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
}
