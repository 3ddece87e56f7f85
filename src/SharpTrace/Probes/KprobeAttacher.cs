using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>
/// Attaches a program to a kprobe or kretprobe: a perf event of the kprobe PMU on the named kernel function. On a
/// kernel without kprobes (this project's test machine) the probe cannot attach, and says why before anything loads.
/// </summary>
internal static class KprobeAttacher
{
    private const string Pmu = "kprobe";

    /// <summary>Why <paramref name="spec"/> cannot attach on this kernel, or null when it can be tried.</summary>
    public static string? Unavailability(ProbeSpec spec)
    {
        if (!PerfEvent.HasPmu(Pmu))
            return ProbeSpecResolver.Unavailable[ProbeSpec.NameOf(spec.Kind)];
        // Expanding a wildcard needs the kernel's list of traceable functions; no kernel we test on has kprobes.
        return ProbeSpecResolver.HasWildcard(spec.Name) ? "wildcards in kprobes are not supported yet" : null;
    }

    public static IProbeAttachment Attach(ProbeSpec spec, BpfProgram program) =>
        ProbeAttacher.AttachToEvent(
            PerfEvent.OpenKprobe(spec.Target.Length > 0 ? $"{spec.Target}:{spec.Name}" : spec.Name, spec.Offset,
                spec.Kind == ProbeKind.Kretprobe, spec.ToString()),
            program);
}
