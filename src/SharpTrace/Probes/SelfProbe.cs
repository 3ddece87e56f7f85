using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(SelfProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>self:signal:SIGUSR1</c>: a program that attaches to nothing; the session runs it in its own process (with
/// <c>BPF_PROG_TEST_RUN</c>, as BEGIN) each time the process receives the signal. SIGUSR1 is the only trigger the
/// newest bpftrace offers. Its context holds nothing to read; <c>--probe-filter</c> leaves it alone.
/// </summary>
internal sealed class SelfProbe : ProbeProvider
{
    /// <summary>The signals a <c>self:signal:</c> probe can name, with their numbers on Linux.</summary>
    public static IReadOnlyDictionary<string, int> Signals { get; } = new Dictionary<string, int>(StringComparer.Ordinal) { ["SIGUSR1"] = 10 };

    public override string Name => "self";
    public override BpfProgramType ProgramType => BpfProgramType.RawTracepoint;
    public override ProbeRun Run => ProbeRun.OnSignal;

    // bpftrace's words for each mistake.
    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (point.Parts.Count != 2)
        {
            diagnostics.Error(point.Span, $"self probe type requires 2 arguments, found {point.Parts.Count}");
            return [];
        }
        var (trigger, signal) = (point.Parts[0], point.Parts[1]);
        if (trigger != "signal")
        {
            diagnostics.Error(point.Span, $"{trigger} is not a supported trigger");
            return [];
        }
        if (!Signals.ContainsKey(signal))
        {
            diagnostics.Error(point.Span, $"{signal} is not a supported signal");
            return [];
        }
        return [new ProbeSpec(this, trigger, signal)];
    }

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        throw new InvalidOperationException($"{spec} runs in this process, it is not attached to the kernel");

    protected override IEnumerable<ListedProbe> Listing(ListingMachine machine) =>
        Signals.Keys.Select(signal => new ListedProbe($"self:signal:{signal}"));
}
