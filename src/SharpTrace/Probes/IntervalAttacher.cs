using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>
/// Attaches a program to <c>interval:UNIT:N</c>: a cpu-clock software event on one CPU, so the probe fires once
/// per period for the whole machine (profile, by contrast, fires on every CPU).
/// </summary>
internal static class IntervalAttacher
{
    private const ulong CpuClock = 0; // PERF_COUNT_SW_CPU_CLOCK, counted in nanoseconds

    public static IProbeAttachment Attach(ProbeSpec spec, BpfProgram program) =>
        ProbeAttacher.AttachToEvent(
            PerfEvent.OpenSoftware(CpuClock, spec.Period, spec.IsFrequency, PerfEvent.OnlineCpus()[0], spec.ToString()),
            program);
}
