namespace SharpTrace.Semantics;

/// <summary>
/// One concrete attach point after alias resolution and wildcard expansion. <see cref="Target"/> and
/// <see cref="Name"/> are the parts as the user knows them: tracepoint category and name, uprobe binary and
/// function, interval unit and count, software event and count. What they mean is up to the <see cref="Kind"/>.
/// </summary>
internal sealed record ProbeSpec(ProbeKind Kind, string Target = "", string Name = "")
{
    /// <summary>uprobe and kprobe: bytes past the function's start (<c>func+8</c>); uprobe: the address itself when <see cref="Name"/> is empty.</summary>
    public ulong Offset { get; init; }

    /// <summary>uprobe: the offset in the file where the kernel places the probe, found through the ELF load segments.</summary>
    public ulong FileOffset { get; init; }

    /// <summary>interval, profile, software, hardware: events between samples (nanoseconds for clocks), or samples a second when <see cref="IsFrequency"/>.</summary>
    public ulong Period { get; init; }

    /// <summary>
    /// Why this attach point cannot attach although the script is sound (a uprobe function the binary lacks), or null.
    /// Checked before anything loads: the run fails with this reason, as bpftrace fails at attach.
    /// </summary>
    public string? Unresolved { get; init; }

    /// <summary>usdt: the probe location (its note: address, semaphore, argument specs); <see cref="FileOffset"/> is where it is placed.</summary>
    public Kernel.Elf.UsdtNote? Usdt { get; init; }

    /// <summary>usdt: the file offset of the probe's semaphore, 0 when it has none.</summary>
    public ulong SemaphoreFileOffset { get; init; }

    /// <summary>uprobe: the DWARF of the compilation's binaries, where <c>args</c> finds the function's parameters.</summary>
    public CTypes.UserDebugInfo? DebugInfo { get; init; }

    /// <summary>watchpoint: the process whose threads it watches (<c>-p</c>, <c>-c</c>); null for every process.</summary>
    public int? Pid { get; init; }

    /// <summary>uprobe: the language qualifier written before the function (<c>cpp</c>), or null; <see cref="Name"/> is then the mangled symbol.</summary>
    public string? Language { get; init; }

    /// <summary>interval and profile in hz: <see cref="Period"/> is a frequency.</summary>
    public bool IsFrequency { get; init; }

    /// <summary>The attach point's full name as bpftrace prints it (<c>probe</c>, messages, <c>-d</c> dumps).</summary>
    public override string ToString() => Kind.Describe(this);
}
