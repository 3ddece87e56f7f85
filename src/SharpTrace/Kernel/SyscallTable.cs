using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SharpTrace.Kernel;

/// <summary>
/// The machine's system call numbers and names, from the table built into sharptrace (x86-64: the kernel's ABI up to
/// Linux 6.18, <c>SyscallTable.g.cs</c>): what <c>syscall_name(n)</c> prints and what <see cref="SyscallNumbers"/>
/// maps the <c>syscalls</c> tracepoints to. Empty on other architectures.
/// </summary>
internal static partial class SyscallTable
{
    private static readonly FrozenDictionary<int, string> Names = Parse(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? X86_64 : "");

    /// <summary>Whether this build knows the machine's system calls.</summary>
    public static bool HasTable => Names.Count > 0;

    /// <summary>Every system call of the machine: its number and its <c>__NR_</c> name.</summary>
    public static IEnumerable<KeyValuePair<int, string>> All => Names;

    /// <summary>The name of system call <paramref name="number"/>; null for a number the table lacks.</summary>
    public static string? NameOf(int number) => Names.GetValueOrDefault(number);

    private static FrozenDictionary<int, string> Parse(string table) =>
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .ToFrozenDictionary(parts => int.Parse(parts[0], CultureInfo.InvariantCulture), parts => parts[1]);
}
