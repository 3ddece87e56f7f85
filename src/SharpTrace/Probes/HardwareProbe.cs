using System.Globalization;
using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(HardwareProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>hardware:EVENT[:COUNT]</c> (<c>h</c>): a processor counter (PERF_TYPE_HARDWARE: cycles, instructions, cache and
/// branch events) on every online CPU, sampled every COUNT events, bpftrace's default period when left out. The
/// context holds nothing the language reads. Machines without a hardware PMU (most VMs, this project's test
/// machine) compile and load such a script; attaching fails with one line naming the missing counters.
/// </summary>
internal sealed class HardwareProbe : ProbeProvider
{
    // The PMU the kernel registers for the processor's counters (/sys/bus/event_source/devices/cpu).
    private const string Pmu = "cpu";

    /// <summary>A counter: its name, the alias bpftrace accepts, its perf_hw_id (perf_event.h) and bpftrace's default period.</summary>
    private sealed record HardwareEvent(string Name, string? Alias, ulong Config, ulong DefaultPeriod);

    private static readonly HardwareEvent[] Events =
    [
        new("cpu-cycles", "cycles", 0, 1_000_000),
        new("instructions", null, 1, 1_000_000),
        new("cache-references", null, 2, 1_000_000),
        new("cache-misses", null, 3, 1_000_000),
        new("branch-instructions", "branches", 4, 100_000),
        new("branch-misses", null, 5, 100_000),
        new("bus-cycles", null, 6, 100_000),
        new("frontend-stalls", null, 7, 1_000_000),
        new("backend-stalls", null, 8, 1_000_000),
        new("ref-cycles", null, 9, 1_000_000),
    ];

    public override string Name => "hardware";
    public override IReadOnlyList<string> Aliases => ["h"];
    public override BpfProgramType ProgramType => BpfProgramType.PerfEvent;

    // Wordings of bpftrace 0.17 (checked with `bpftrace -e`), except for the count, which it does not check.
    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (point.Parts.Count is not (1 or 2))
        {
            diagnostics.Error(point.Span, "hardware probe type requires 1 or 2 arguments");
            return [];
        }
        var name = point.Parts[0];
        if (Wildcard.Has(name))
        {
            diagnostics.Error(point.Span, "wildcards are not allowed for hardware probe type");
            return [];
        }
        if (Events.FirstOrDefault(e => e.Name == name || e.Alias == name) is not { } hardwareEvent)
        {
            diagnostics.Error(point.Span, $"{name} is not a hardware probe");
            return [];
        }
        var period = hardwareEvent.DefaultPeriod;
        if (point.Parts.Count == 2 && (!TryParseCount(point.Parts[1], out period) || period == 0))
        {
            diagnostics.Error(point.Span, $"hardware count must be a positive integer, not '{point.Parts[1]}'");
            return [];
        }
        return [new ProbeSpec(this, hardwareEvent.Name, period.ToString(CultureInfo.InvariantCulture)) { Period = period }];
    }

    /// <summary>A count as the reference writes it: an integer, or an integer with an exponent (<c>1e6</c>).</summary>
    private static bool TryParseCount(string text, out ulong count)
    {
        var e = text.IndexOf('e', StringComparison.Ordinal);
        if (e < 0)
            return AttachPointText.TryParseInteger(text, out count);
        count = 0;
        if (!ulong.TryParse(text.AsSpan(0, e), NumberStyles.None, CultureInfo.InvariantCulture, out var mantissa)
            || !int.TryParse(text.AsSpan(e + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var exponent)
            || exponent > 19)
            return false;
        try
        {
            count = mantissa;
            for (var i = 0; i < exponent; i++)
                count = checked(count * 10);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>
    /// One event per online CPU. The script loads on any machine (<c>--dry-run</c> works); without a hardware PMU the
    /// kernel has no counter to open, and the run stops here with the reason, before BEGIN, leaving nothing behind.
    /// </summary>
    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs)
    {
        if (!PerfEvent.HasPmu(Pmu))
            throw new ProbeUnavailableException(spec.ToString(),
                "hardware probes are not available: this machine has no hardware performance counters (no cpu PMU)");
        var config = Events.First(e => e.Name == spec.Target).Config;
        return ProbeAttacher.AttachOnEveryCpu(program, cpu => PerfEvent.Open(
            new PerfEventAttr
            {
                Type = (uint)PerfEventType.Hardware,
                Config = config,
                SamplePeriodOrFrequency = spec.Period,
                WakeupEvents = 1,
                Flags = PerfEventFlags.Disabled,
            },
            pid: -1, cpu, $"{spec} on cpu {cpu}"));
    }

    // As the newest bpftrace lists them: each event and each alias with a trailing colon (the count left out), whether
    // the machine has counters or not; only when named, as sharptrace's full listing holds what runs everywhere.
    protected override IEnumerable<ListedProbe> Listing(ListingMachine machine) =>
        Events.SelectMany(e => e.Alias is null ? [e.Name] : new[] { e.Name, e.Alias })
            .Select(name => new ListedProbe($"hardware:{name}:", $"hardware:{name}"));
}
