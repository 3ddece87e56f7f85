using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;

[assembly: ProbeKindProvider(typeof(FentryProbe))]
[assembly: ProbeKindProvider(typeof(FexitProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>fentry:[MODULE:]FUNCTION</c> (<c>f</c>, <c>kfunc</c>) and <c>fexit</c> (<c>fr</c>, <c>kretfunc</c>): BPF
/// trampolines on a kernel function. The context is the function's arguments as u64 words, named and typed by its
/// BTF prototype (<c>args.NAME</c>); fexit adds <c>retval</c> after them. They bind and compile on any kernel;
/// loading them is not implemented, and this kernel refuses them anyway, so the run fails before anything loads.
/// </summary>
internal abstract class TrampolineProbe : KernelFunctionProbe
{
    public override BpfProgramType ProgramType => BpfProgramType.Tracing;

    public override string? Unavailability(ProbeSpec spec) => UnavailableReason;

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        throw new InvalidOperationException($"{spec}: {UnavailableReason}");
}

internal sealed class FentryProbe : TrampolineProbe
{
    public override string Name => "fentry";
    public override IReadOnlyList<string> Aliases => ["f", "kfunc"];
    public override ProbeContext Context { get; } = new() { Args = ArgsSource.BtfFunction, Func = FuncSource.AttachPointOnly };
    protected override string UnavailableReason => "fentry probes are not available: this kernel refuses BPF trampolines (EPERM)";
}

internal sealed class FexitProbe : TrampolineProbe
{
    public override string Name => "fexit";
    public override IReadOnlyList<string> Aliases => ["fr", "kretfunc"];
    public override ProbeContext Context { get; } = new()
    {
        Args = ArgsSource.BtfFunction, Retval = RetvalSource.BtfFunctionReturn, Func = FuncSource.AttachPointOnly,
    };
    protected override string UnavailableReason => "fexit probes are not available: this kernel refuses BPF trampolines (EPERM)";
}
