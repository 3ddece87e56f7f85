namespace SharpTrace.Kernel;

/// <summary>
/// The x86-64 system call number behind each <c>syscalls:sys_enter_NAME</c>/<c>sys_exit_NAME</c> tracepoint. The kernel
/// names those tracepoints after the syscall's entry point (<c>SYSCALL_DEFINE</c>), and fires one only for the number
/// whose table entry is that entry point. The numbers are those of <see cref="SyscallTable"/> (the <c>__NR_</c> names
/// of the kernel's ABI), renamed where the entry point differs from the <c>__NR_</c> name. A tracepoint this table
/// does not name has no number here, and is attached on its own.
/// </summary>
/// <remarks>
/// Checked on Linux 6.18 against the <c>__syscall_nr</c> each of the 360 tracepoints recorded when a program called
/// every number from 0 to 470 (docs/benchmarks.md, "Exit with hundreds of probes").
/// </remarks>
internal sealed class SyscallNumbers
{
    // __NR_ names whose entry point (and so tracepoint) is named otherwise in syscall_64.tbl.
    private static readonly Dictionary<string, string> EntryPoints = new(StringComparer.Ordinal)
    {
        ["stat"] = "newstat", ["fstat"] = "newfstat", ["lstat"] = "newlstat", ["uname"] = "newuname",
        ["sendfile"] = "sendfile64", ["umount2"] = "umount",
    };

    private readonly Dictionary<string, int> _byTracepointName;

    private SyscallNumbers(Dictionary<string, int> byTracepointName) => _byTracepointName = byTracepointName;

    /// <summary>The table of this machine: empty on architectures <see cref="SyscallTable"/> lacks.</summary>
    public static SyscallNumbers Load() => From(SyscallTable.All);

    /// <summary>The tracepoints' numbers for the calls <paramref name="calls"/> (number, <c>__NR_</c> name); a name given two numbers (or a number two names) is left out.</summary>
    public static SyscallNumbers From(IEnumerable<KeyValuePair<int, string>> calls)
    {
        var byTracepoint = new Dictionary<string, int>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in calls.GroupBy(c => c.Key))
        {
            if (group.Count() > 1)
                continue;
            var (number, name) = group.Single();
            var tracepoint = EntryPoints.GetValueOrDefault(name, name);
            if (!byTracepoint.TryAdd(tracepoint, number))
                ambiguous.Add(tracepoint);
        }
        foreach (var name in ambiguous)
            byTracepoint.Remove(name);
        return new SyscallNumbers(byTracepoint);
    }

    /// <summary>
    /// The number the tracepoint <c>syscalls:<paramref name="tracepoint"/></c> (<c>sys_enter_NAME</c> or
    /// <c>sys_exit_NAME</c>) fires for, or null when this table does not know it.
    /// </summary>
    public int? NumberOf(string tracepoint)
    {
        var name = tracepoint.StartsWith("sys_enter_", StringComparison.Ordinal) ? tracepoint["sys_enter_".Length..]
            : tracepoint.StartsWith("sys_exit_", StringComparison.Ordinal) ? tracepoint["sys_exit_".Length..]
            : null;
        return name is not null && _byTracepointName.TryGetValue(name, out var number) ? number : null;
    }
}
