using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>Attaches a program to <c>software:EVENT:N</c>: the software counter on every online CPU, sampled every N events.</summary>
internal static class SoftwareAttacher
{
    public static IProbeAttachment Attach(ProbeSpec spec, BpfProgram program)
    {
        var softwareEvent = SoftwareEvent.Find(spec.Target) ?? throw new InvalidOperationException($"{spec.Target} is not a software event");
        return ProbeAttacher.AttachOnEveryCpu(program,
            cpu => PerfEvent.OpenSoftware(softwareEvent.Config, spec.Period, isFrequency: false, cpu, $"{spec} on cpu {cpu}"));
    }
}
