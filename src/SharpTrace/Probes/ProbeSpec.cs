using System.Globalization;
using SharpTrace.Kernel;

namespace SharpTrace.Probes;

/// <summary>The kinds of probe SharpTrace knows; aliases such as <c>t</c> for tracepoint resolve to these.</summary>
internal enum ProbeKind { Begin, End, Tracepoint, RawTracepoint, Uprobe, Uretprobe, Interval, Profile, Software, Watchpoint, Kprobe, Kretprobe, Fentry, Fexit }

/// <summary>
/// One concrete attach point after alias resolution and wildcard expansion. <see cref="Target"/> and
/// <see cref="Name"/> are the parts as the user knows them: tracepoint category and name, uprobe binary and
/// function, interval unit and count, software event and count, watchpoint mode.
/// </summary>
internal sealed record ProbeSpec(ProbeKind Kind, string Target = "", string Name = "")
{
    /// <summary>uprobe and kprobe: bytes past the function's start (<c>func+8</c>); uprobe: the address itself when <see cref="Name"/> is empty; watchpoint: the address.</summary>
    public ulong Offset { get; init; }

    /// <summary>uprobe: the offset in the file where the kernel places the probe, found through the ELF load segments.</summary>
    public ulong FileOffset { get; init; }

    /// <summary>interval, profile, software: events between samples (nanoseconds for clocks), or samples a second when <see cref="IsFrequency"/>; watchpoint: length.</summary>
    public ulong Period { get; init; }

    /// <summary>
    /// Why this attach point cannot attach although the script is sound (a uprobe function the binary lacks), or null.
    /// Checked before anything loads: the run fails with this reason, as bpftrace fails at attach.
    /// </summary>
    public string? Unresolved { get; init; }

    /// <summary>interval and profile in hz: <see cref="Period"/> is a frequency.</summary>
    public bool IsFrequency { get; init; }

    /// <summary>The program type that runs for this kind of probe; its context is what the builtins read.</summary>
    public static BpfProgramType ProgramTypeOf(ProbeKind kind) => kind switch
    {
        ProbeKind.Begin or ProbeKind.End or ProbeKind.RawTracepoint => BpfProgramType.RawTracepoint,
        ProbeKind.Tracepoint => BpfProgramType.Tracepoint,
        ProbeKind.Uprobe or ProbeKind.Uretprobe or ProbeKind.Kprobe or ProbeKind.Kretprobe => BpfProgramType.Kprobe, // context: struct pt_regs
        ProbeKind.Fentry or ProbeKind.Fexit => BpfProgramType.Tracing, // context: the function's arguments as u64s
        ProbeKind.Interval or ProbeKind.Profile or ProbeKind.Software or ProbeKind.Watchpoint => BpfProgramType.PerfEvent,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Whether integers used as pointers in this kind of probe (<c>str(arg0)</c>) point into user memory.</summary>
    public static bool ReadsUserMemory(ProbeKind kind) => kind is ProbeKind.Uprobe or ProbeKind.Uretprobe;

    /// <summary>Whether the probe's arguments are the words of a pt_regs (kprobes, uprobes), so <c>arg0</c>.. and <c>retval</c> read registers.</summary>
    public static bool HasRegisters(ProbeKind kind) => kind is ProbeKind.Uprobe or ProbeKind.Uretprobe or ProbeKind.Kprobe or ProbeKind.Kretprobe;

    /// <summary>The kind's name as bpftrace writes it in probe names and messages (e.g. "uretprobe").</summary>
    public static string NameOf(ProbeKind kind) => kind.ToString().ToLowerInvariant();

    public override string ToString() => Kind switch
    {
        ProbeKind.Begin => "BEGIN",
        ProbeKind.End => "END",
        ProbeKind.Uprobe or ProbeKind.Uretprobe when Name.Length == 0 => $"{NameOf(Kind)}:{Target}:0x{Offset.ToString("x", CultureInfo.InvariantCulture)}",
        ProbeKind.Uprobe or ProbeKind.Uretprobe when Offset != 0 => $"{NameOf(Kind)}:{Target}:{Name}+{Offset}",
        ProbeKind.RawTracepoint => $"rawtracepoint:{Name}",
        ProbeKind.Kprobe or ProbeKind.Kretprobe or ProbeKind.Fentry or ProbeKind.Fexit => KernelFunctionName(),
        ProbeKind.Watchpoint => $"watchpoint:0x{Offset.ToString("x", CultureInfo.InvariantCulture)}:{Period}:{Name}",
        _ => $"{NameOf(Kind)}:{Target}:{Name}",
    };

    /// <summary>kprobe:FUNC, kprobe:MODULE:FUNC, kprobe:FUNC+OFFSET, as bpftrace names them.</summary>
    private string KernelFunctionName()
    {
        var module = Target.Length > 0 ? Target + ":" : "";
        var offset = Offset != 0 ? "+" + Offset.ToString(CultureInfo.InvariantCulture) : "";
        return $"{NameOf(Kind)}:{module}{Name}{offset}";
    }
}
