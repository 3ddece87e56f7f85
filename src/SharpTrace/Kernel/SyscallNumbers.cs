using System.Globalization;
using System.Runtime.InteropServices;

namespace SharpTrace.Kernel;

/// <summary>
/// The x86-64 system call number behind each <c>syscalls:sys_enter_NAME</c>/<c>sys_exit_NAME</c> tracepoint. The kernel
/// names those tracepoints after the syscall's entry point (<c>SYSCALL_DEFINE</c>), and fires one only for the number
/// whose table entry is that entry point. The numbers come from the installed <c>asm/unistd_64.h</c> (generated from
/// the kernel's own table), completed by the numbers added since the oldest header we expect, and renamed where the
/// entry point differs from the <c>__NR_</c> name. A tracepoint this table does not name has no number here, and is
/// attached on its own.
/// </summary>
/// <remarks>
/// Checked on Linux 6.18 against the <c>__syscall_nr</c> each of the 360 tracepoints recorded when a program called
/// every number from 0 to 470 (docs/benchmarks.md, "Exit with hundreds of probes").
/// </remarks>
internal sealed class SyscallNumbers
{
    private static readonly string[] HeaderPaths =
        ["/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "/usr/include/asm/unistd_64.h"];

    // Numbers newer than Linux 6.1's header (syscall_64.tbl); the header wins where it has them.
    private static readonly (string Name, int Number)[] Newer =
    [
        ("uretprobe", 335), ("uprobe", 336), ("cachestat", 451), ("fchmodat2", 452), ("map_shadow_stack", 453),
        ("futex_wake", 454), ("futex_wait", 455), ("futex_requeue", 456), ("statmount", 457), ("listmount", 458),
        ("lsm_get_self_attr", 459), ("lsm_set_self_attr", 460), ("lsm_list_modules", 461), ("mseal", 462),
        ("setxattrat", 463), ("getxattrat", 464), ("listxattrat", 465), ("removexattrat", 466),
        ("open_tree_attr", 467), ("file_getattr", 468), ("file_setattr", 469),
    ];

    // __NR_ names whose entry point (and so tracepoint) is named otherwise in syscall_64.tbl.
    private static readonly Dictionary<string, string> EntryPoints = new(StringComparer.Ordinal)
    {
        ["stat"] = "newstat", ["fstat"] = "newfstat", ["lstat"] = "newlstat", ["uname"] = "newuname",
        ["sendfile"] = "sendfile64", ["umount2"] = "umount",
    };

    private readonly Dictionary<string, int> _byTracepointName;

    private SyscallNumbers(Dictionary<string, int> byTracepointName) => _byTracepointName = byTracepointName;

    /// <summary>The table of this machine: empty on other architectures or without the header's numbers.</summary>
    public static SyscallNumbers Load()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return new SyscallNumbers([]);
        var header = HeaderPaths.FirstOrDefault(File.Exists);
        return header is null ? new SyscallNumbers([]) : Parse(File.ReadLines(header));
    }

    /// <summary>Reads <c>#define __NR_name number</c> lines; a name given two numbers (or a number two names) is left out.</summary>
    public static SyscallNumbers Parse(IEnumerable<string> headerLines)
    {
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in headerLines)
        {
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts is ["#define", var macro, var value] && macro.StartsWith("__NR_", StringComparison.Ordinal)
                && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                numbers[macro["__NR_".Length..]] = number;
        }
        if (numbers.Count == 0)
            return new SyscallNumbers([]);
        foreach (var (name, number) in Newer)
            numbers.TryAdd(name, number);
        var byTracepoint = new Dictionary<string, int>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in numbers.GroupBy(n => n.Value))
        {
            if (group.Count() > 1)
                continue;
            var (name, number) = group.Single();
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
