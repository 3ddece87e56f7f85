using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>
/// Attaches a program to a uprobe or uretprobe: a perf event of the uprobe PMU at the file offset the resolver
/// found in the ELF file, seen in every process that maps the file.
/// </summary>
internal static class UprobeAttacher
{
    public static IProbeAttachment Attach(ProbeSpec spec, BpfProgram program) =>
        ProbeAttacher.AttachToEvent(
            PerfEvent.OpenUprobe(spec.Target, spec.FileOffset, spec.Kind == ProbeKind.Uretprobe, pid: -1, spec.ToString()),
            program);
}
