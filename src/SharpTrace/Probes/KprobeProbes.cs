using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;

[assembly: ProbeKindProvider(typeof(KprobeProbe))]
[assembly: ProbeKindProvider(typeof(KretprobeProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>kprobe:[MODULE:]FUNCTION[+OFFSET]</c> (<c>k</c>) and <c>kretprobe</c> (<c>kr</c>): a perf event of the kprobe PMU
/// on a kernel function. The context is a <c>struct pt_regs</c>: <c>arg0</c>.. in a kprobe, <c>retval</c> in a
/// kretprobe. On a kernel without kprobes (this project's test machine) the probe cannot attach, and says why
/// before anything loads.
/// </summary>
internal abstract class KprobeFamily : KernelFunctionProbe
{
    private const string Pmu = "kprobe";

    /// <summary>kretprobe: the probe fires when the function returns.</summary>
    protected abstract bool IsReturn { get; }

    public override BpfProgramType ProgramType => BpfProgramType.Kprobe;

    public override string? Unavailability(ProbeSpec spec)
    {
        if (!PerfEvent.HasPmu(Pmu))
            return UnavailableReason;
        // Expanding a wildcard needs the kernel's list of traceable functions; no kernel we test on has kprobes.
        return Wildcard.Has(spec.Name) ? "wildcards in kprobes are not supported yet" : null;
    }

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProbeAttacher.AttachToEvent(
            PerfEvent.OpenKprobe(spec.Target.Length > 0 ? $"{spec.Target}:{spec.Name}" : spec.Name, spec.Offset, IsReturn, spec.ToString()),
            program);
}

internal sealed class KprobeProbe : KprobeFamily
{
    public override string Name => "kprobe";
    public override IReadOnlyList<string> Aliases => ["k"];
    protected override bool IsReturn => false;
    protected override bool TakesOffset => true;
    public override ProbeContext Context { get; } = new() { Arguments = ArgumentSource.Registers, Func = FuncSource.KernelInstructionPointer };
    protected override string UnavailableReason => "kprobes are not available: this kernel is built without CONFIG_KPROBES";
}

internal sealed class KretprobeProbe : KprobeFamily
{
    public override string Name => "kretprobe";
    public override IReadOnlyList<string> Aliases => ["kr"];
    protected override bool IsReturn => true;
    public override ProbeContext Context { get; } = new() { Retval = RetvalSource.Register, Func = FuncSource.AttachPointOnly };
    protected override string UnavailableReason => "kretprobes are not available: this kernel is built without CONFIG_KPROBES";
}
