using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(IntervalProbe))]
[assembly: ProbeKindProvider(typeof(ProfileProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>interval:UNIT:N</c> (<c>i</c>) and <c>profile:UNIT:N</c> (<c>p</c>), UNIT one of s, ms, us or hz: a cpu-clock
/// software event (PERF_COUNT_SW_CPU_CLOCK, counted in nanoseconds) that fires every N units, or N times a second.
/// Their context holds nothing the language reads; <c>-l</c> lists their units only when named.
/// </summary>
internal abstract class TimerProbe : ProbeProvider
{
    private const ulong CpuClock = 0;
    private static readonly string[] Units = ["hz", "ms", "s", "us"];

    public override BpfProgramType ProgramType => BpfProgramType.PerfEvent;

    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (point.Parts.Count != 2)
        {
            diagnostics.Error(point.Span, $"{Name} probe type requires 2 arguments");
            return [];
        }
        var (unit, count) = (point.Parts[0], point.Parts[1]);
        ulong? nanosecondsPerUnit = unit switch { "s" => 1_000_000_000, "ms" => 1_000_000, "us" => 1_000, "hz" => null, _ => 0 };
        if (nanosecondsPerUnit == 0)
        {
            diagnostics.Error(point.Span, $"{unit} is not an accepted unit of time");
            return [];
        }
        if (!AttachPointText.TryParseInteger(count, out var n) || n == 0)
        {
            diagnostics.Error(point.Span, $"{Name} count must be a positive integer, not '{count}'");
            return [];
        }
        return nanosecondsPerUnit is { } scale
            ? [new ProbeSpec(this, unit, count) { Period = n * scale }]
            : [new ProbeSpec(this, unit, count) { Period = n, IsFrequency = true }];
    }

    protected static PerfEvent OpenClock(ProbeSpec spec, int cpu, string description) =>
        PerfEvent.OpenSoftware(CpuClock, spec.Period, spec.IsFrequency, cpu, description);

    protected override IEnumerable<ListedProbe> Listing(ListingMachine machine) =>
        Units.Select(unit => new ListedProbe($"{Name}:{unit}:", $"{Name}:{unit}"));
}

/// <summary><c>interval</c>: one event on one CPU, so the probe fires once per period for the whole machine.</summary>
internal sealed class IntervalProbe : TimerProbe
{
    public override string Name => "interval";
    public override IReadOnlyList<string> Aliases => ["i"];

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProbeAttacher.AttachToEvent(OpenClock(spec, PerfEvent.OnlineCpus()[0], spec.ToString()), program);
}

/// <summary><c>profile</c>: one event on every online CPU, so each CPU is sampled.</summary>
internal sealed class ProfileProbe : TimerProbe
{
    public override string Name => "profile";
    public override IReadOnlyList<string> Aliases => ["p"];

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProbeAttacher.AttachOnEveryCpu(program, cpu => OpenClock(spec, cpu, $"{spec} on cpu {cpu}"));
}
