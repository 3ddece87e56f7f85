using System.Globalization;
using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>The kinds of probe SharpTrace knows; aliases such as <c>t</c> for tracepoint resolve to these.</summary>
internal enum ProbeKind { Begin, End, Tracepoint, RawTracepoint, Uprobe, Uretprobe, Interval, Profile, Software, Watchpoint }

/// <summary>
/// One concrete attach point after alias resolution and wildcard expansion. <see cref="Target"/> and
/// <see cref="Name"/> are the parts as the user knows them: tracepoint category and name, uprobe binary and
/// function, interval unit and count, software event and count, watchpoint mode.
/// </summary>
internal sealed record ProbeSpec(ProbeKind Kind, string Target = "", string Name = "")
{
    /// <summary>uprobe: bytes past the function's start (<c>func+8</c>), or the address itself when <see cref="Name"/> is empty; watchpoint: the address.</summary>
    public ulong Offset { get; init; }

    /// <summary>uprobe: the offset in the file where the kernel places the probe, found through the ELF load segments.</summary>
    public ulong FileOffset { get; init; }

    /// <summary>interval, profile, software: events between samples (nanoseconds for clocks), or samples a second when <see cref="IsFrequency"/>; watchpoint: length.</summary>
    public ulong Period { get; init; }

    /// <summary>interval and profile in hz: <see cref="Period"/> is a frequency.</summary>
    public bool IsFrequency { get; init; }

    /// <summary>The program type that runs for this kind of probe; its context is what the builtins read.</summary>
    public static BpfProgramType ProgramTypeOf(ProbeKind kind) => kind switch
    {
        ProbeKind.Begin or ProbeKind.End or ProbeKind.RawTracepoint => BpfProgramType.RawTracepoint,
        ProbeKind.Tracepoint => BpfProgramType.Tracepoint,
        ProbeKind.Uprobe or ProbeKind.Uretprobe => BpfProgramType.Kprobe, // context: struct pt_regs
        ProbeKind.Interval or ProbeKind.Profile or ProbeKind.Software or ProbeKind.Watchpoint => BpfProgramType.PerfEvent,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Whether integers used as pointers in this kind of probe (<c>str(arg0)</c>) point into user memory.</summary>
    public static bool ReadsUserMemory(ProbeKind kind) => kind is ProbeKind.Uprobe or ProbeKind.Uretprobe;

    /// <summary>The kind's name as bpftrace writes it in probe names and messages (e.g. "uretprobe").</summary>
    public static string NameOf(ProbeKind kind) => kind.ToString().ToLowerInvariant();

    public override string ToString() => Kind switch
    {
        ProbeKind.Begin => "BEGIN",
        ProbeKind.End => "END",
        ProbeKind.Uprobe or ProbeKind.Uretprobe when Name.Length == 0 => $"{NameOf(Kind)}:{Target}:0x{Offset.ToString("x", CultureInfo.InvariantCulture)}",
        ProbeKind.Uprobe or ProbeKind.Uretprobe when Offset != 0 => $"{NameOf(Kind)}:{Target}:{Name}+{Offset}",
        ProbeKind.RawTracepoint => $"rawtracepoint:{Name}",
        ProbeKind.Watchpoint => $"watchpoint:0x{Offset.ToString("x", CultureInfo.InvariantCulture)}:{Period}:{Name}",
        _ => $"{NameOf(Kind)}:{Target}:{Name}",
    };
}
