using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(BeginProbe))]
[assembly: ProbeKindProvider(typeof(EndProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>BEGIN</c> and <c>END</c> (also written <c>begin</c>, <c>end</c> as newer bpftrace does): raw_tracepoint
/// programs that attach to nothing; the session runs them in its own process with <c>BPF_PROG_TEST_RUN</c>, BEGIN
/// once every other probe is attached and END once they are detached. Their context holds nothing to read.
/// </summary>
internal abstract class SpecialProbe : ProbeProvider
{
    public override BpfProgramType ProgramType => BpfProgramType.RawTracepoint;

    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution) => [new ProbeSpec(this)];

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        throw new InvalidOperationException($"{spec} runs in this process, it is not attached to the kernel");
}

internal sealed class BeginProbe : SpecialProbe
{
    public override string Name => "begin";
    public override IReadOnlyList<string> Aliases => ["BEGIN"];
    public override ProbeRun Run => ProbeRun.AtStart;
    // The newest bpftrace's name however the probe is written (its provider, lowercased from BEGIN): `probe`, the
    // API's probe names, messages and the -d types, ir and bpf dumps say "begin" (0.17: BEGIN).
    public override string Describe(ProbeSpec spec) => "begin";
}

internal sealed class EndProbe : SpecialProbe
{
    public override string Name => "end";
    public override IReadOnlyList<string> Aliases => ["END"];
    public override ProbeRun Run => ProbeRun.AtExit;
    public override string Describe(ProbeSpec spec) => "end";
}
