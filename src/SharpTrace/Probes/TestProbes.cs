using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(TestProbe))]
[assembly: ProbeKindProvider(typeof(BenchProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>test:NAME</c> and <c>bench:NAME</c>: programs that attach to nothing. In test mode (<c>--test</c>) the session
/// runs each test once in its own process and reports whether it passed (no <c>exit()</c> with a code, no error), its
/// output shown only when it failed; in bench mode (<c>--bench</c>) it runs each benchmark repeatedly until it has run
/// for a millisecond and reports the average time of one run. Outside their mode they are ignored. As in the newest
/// bpftrace they are XDP programs, which <c>BPF_PROG_TEST_RUN</c> repeats and times in the kernel; their context holds
/// nothing to read, and helpers that need a task (<c>pid</c>, <c>comm</c>) are refused by the verifier, as there.
/// </summary>
internal abstract class SelfRunProbe : ProbeProvider
{
    public override BpfProgramType ProgramType => BpfProgramType.Xdp;

    // --probe-filter selects tests and benchmarks too.
    public override bool Filtered => true;

    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        if (point.Parts.Count != 1)
        {
            resolution.Diagnostics.Error(point.Span, $"{Name} probe type requires 1 arguments, found {point.Parts.Count}");
            return [];
        }
        if (point.Parts[0].Length == 0)
        {
            resolution.Diagnostics.Error(point.Span, $"{Name} probes must have a name");
            return [];
        }
        return [new ProbeSpec(this, point.Parts[0])];
    }

    public override string Describe(ProbeSpec spec) => $"{Name}:{spec.Target}";

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        throw new InvalidOperationException($"{spec} runs in this process, it is not attached to the kernel");
}

internal sealed class TestProbe : SelfRunProbe
{
    public override string Name => "test";
    public override ProbeRun Run => ProbeRun.Test;
}

internal sealed class BenchProbe : SelfRunProbe
{
    public override string Name => "bench";
    public override ProbeRun Run => ProbeRun.Bench;
}
