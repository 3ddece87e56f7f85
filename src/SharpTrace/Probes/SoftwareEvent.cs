namespace SharpTrace.Probes;

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
