using System.Globalization;
using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(SoftwareProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>software:EVENT[:COUNT]</c> (<c>s</c>): a kernel software counter (<see cref="SoftwareEvent"/>, by name or
/// bpftrace's alias) on every online CPU, sampled every COUNT events (bpftrace's default period when left out).
/// </summary>
internal sealed class SoftwareProbe : ProbeProvider
{
    public override string Name => "software";
    public override IReadOnlyList<string> Aliases => ["s"];
    public override BpfProgramType ProgramType => BpfProgramType.PerfEvent;

    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (point.Parts.Count is not (1 or 2))
        {
            diagnostics.Error(point.Span, "software probes need an event and an optional count: software:EVENT:COUNT");
            return [];
        }
        if (SoftwareEvent.Find(point.Parts[0]) is not { } softwareEvent)
        {
            diagnostics.Error(point.Span, $"{point.Parts[0]} is not a software probe");
            return [];
        }
        var period = softwareEvent.DefaultPeriod;
        if (point.Parts.Count == 2 && (!AttachPointText.TryParseInteger(point.Parts[1], out period) || period == 0))
        {
            diagnostics.Error(point.Span, $"software count must be a positive integer, not '{point.Parts[1]}'");
            return [];
        }
        return [new ProbeSpec(this, softwareEvent.Name, period.ToString(CultureInfo.InvariantCulture)) { Period = period }];
    }

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs)
    {
        var softwareEvent = SoftwareEvent.Find(spec.Target) ?? throw new InvalidOperationException($"{spec.Target} is not a software event");
        return ProbeAttacher.AttachOnEveryCpu(program,
            cpu => PerfEvent.OpenSoftware(softwareEvent.Config, spec.Period, isFrequency: false, cpu, $"{spec} on cpu {cpu}"));
    }

    public override bool ListedByDefault => true;

    // bpftrace lists each alias as an event of its own, with a trailing colon (the count left out); a pattern may
    // leave that colon out.
    protected override IEnumerable<ListedProbe> Listing(ListingMachine machine) =>
        SoftwareEvent.All.SelectMany(e => e.Alias is null ? [e.Name] : new[] { e.Name, e.Alias })
            .Select(name => new ListedProbe($"software:{name}:", $"software:{name}"));
}

/// <summary>
/// A kernel software counter (PERF_TYPE_SOFTWARE) that <c>software:EVENT:COUNT</c> samples: its name, the short
/// alias bpftrace accepts, its perf_event config and the period bpftrace uses when the count is left out.
/// </summary>
internal sealed record SoftwareEvent(string Name, string? Alias, ulong Config, ulong DefaultPeriod)
{
    /// <summary>Every software event, with the config values of enum perf_sw_ids (perf_event.h).</summary>
    public static IReadOnlyList<SoftwareEvent> All { get; } =
    [
        new("cpu-clock", "cpu", 0, 1_000_000),
        new("task-clock", null, 1, 1_000_000),
        new("page-faults", "faults", 2, 100),
        new("context-switches", "cs", 3, 1_000),
        new("cpu-migrations", null, 4, 1),
        new("minor-faults", null, 5, 100),
        new("major-faults", null, 6, 1),
        new("alignment-faults", null, 7, 1),
        new("emulation-faults", null, 8, 1),
        new("dummy", null, 9, 1),
        new("bpf-output", null, 10, 1),
    ];

    /// <summary>The event called <paramref name="name"/> or by that alias, or null.</summary>
    public static SoftwareEvent? Find(string name) => All.FirstOrDefault(e => e.Name == name || e.Alias == name);
}
