using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>Attaches a program to <c>profile:UNIT:N</c>: a cpu-clock software event on every online CPU.</summary>
internal static class ProfileAttacher
{
    private const ulong CpuClock = 0; // PERF_COUNT_SW_CPU_CLOCK, counted in nanoseconds

    public static IProbeAttachment Attach(ProbeSpec spec, BpfProgram program) =>
        ProbeAttacher.AttachOnEveryCpu(program,
            cpu => PerfEvent.OpenSoftware(CpuClock, spec.Period, spec.IsFrequency, cpu, $"{spec} on cpu {cpu}"));
}
