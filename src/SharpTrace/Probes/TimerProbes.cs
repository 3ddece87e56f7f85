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
        if (point.Parts.Count == 1)
            return ResolveDuration(point, diagnostics);
        if (point.Parts.Count != 2)
        {
            diagnostics.Error(point.Span, $"{Name} probe type requires 1 or 2 arguments, found {point.Parts.Count}");
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

    /// <summary>
    /// <c>interval:1s</c>, <c>interval:500ms</c>, <c>interval:1000000</c>: a duration literal, nanoseconds without a unit.
    /// As the newest bpftrace, it becomes whole microseconds (<c>interval:us:N</c>, which <c>probe</c> names), at least one.
    /// </summary>
    private IEnumerable<ProbeSpec> ResolveDuration(AttachPoint point, Syntax.DiagnosticBag diagnostics)
    {
        var text = point.Parts[0];
        if (!Syntax.Lexer.TryParseInteger(text, out var nanoseconds, out _))
        {
            diagnostics.Error(point.Span, $"Invalid rate of {Name} probe: invalid integer: {text}");
            return [];
        }
        if (nanoseconds < 1000)
        {
            diagnostics.Error(point.Span, $"Invalid rate of {Name} probe. Minimum is 1000 or 1us. Found: {nanoseconds} nanoseconds");
            return [];
        }
        var microseconds = nanoseconds / 1000;
        return [new ProbeSpec(this, "us", microseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)) { Period = microseconds * 1000 }];
    }

    protected static PerfEvent OpenClock(ProbeSpec spec, int cpu, string description) =>
        PerfEvent.OpenSoftware(CpuClock, spec.Period, spec.IsFrequency, cpu, description);

    protected override IEnumerable<ListedProbe> Listing(ListingMachine machine) =>
        Units.Select(unit => new ListedProbe($"{Name}:{unit}:", $"{Name}:{unit}"));
}

/// <summary>
/// <c>interval</c>: fires once per period for the whole machine. Its event is opened on every online CPU and its program
/// keeps only the first run of each period (<see cref="Lowering.ClaimPeriodOp"/>): the kernel skips a perf event's
/// program on a CPU already running a BPF program, so one CPU's event alone would lose that tick. Each attach point
/// gets its own program, since the period is the program's.
/// </summary>
internal sealed class IntervalProbe : TimerProbe
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    public override string Name => "interval";
    public override IReadOnlyList<string> Aliases => ["i"];

    public override bool NeedsProgramPerAttachPoint(IReadOnlyList<ProbeSpec> specs) => specs.Count > 1;

    public override long? OncePerPeriod(ProbeSpec spec) => spec.IsFrequency
        ? Math.Max(1, NanosecondsPerSecond / (long)Math.Min(spec.Period, long.MaxValue))
        : (long)Math.Min(spec.Period, long.MaxValue);

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProbeAttacher.AttachOnEveryCpu(program, cpu => OpenClock(spec, cpu, $"{spec} on cpu {cpu}"));
}

/// <summary><c>profile</c>: one event on every online CPU, so each CPU is sampled.</summary>
internal sealed class ProfileProbe : TimerProbe
{
    public override string Name => "profile";
    public override IReadOnlyList<string> Aliases => ["p"];

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProbeAttacher.AttachOnEveryCpu(program, cpu => OpenClock(spec, cpu, $"{spec} on cpu {cpu}"));
}
