using System.Runtime.InteropServices;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// Where the headers named by <c>#include</c> are looked for: the <c>-I</c> directories in order, then the system
/// include directories as GCC searches them (<c>/usr/local/include</c>, the multiarch directory such as
/// <c>/usr/include/x86_64-linux-gnu</c>, <c>/usr/include</c>).
/// </summary>
internal sealed class HeaderSearch
{
    public HeaderSearch(IReadOnlyList<string> directories) => Directories = directories;

    /// <summary>The directories searched, in order.</summary>
    public IReadOnlyList<string> Directories { get; }

    /// <summary>Searches nowhere: every header is missing (tests, and programs without a file system view).</summary>
    public static HeaderSearch None { get; } = new([]);

    /// <summary>The <c>-I</c> directories, then the system include directories of this machine's architecture.</summary>
    public static HeaderSearch WithSystemDirectories(IReadOnlyList<string> includeDirectories) =>
        new([.. includeDirectories, .. SystemDirectories()]);

    /// <summary>GCC's default search list on a Debian-style multiarch system.</summary>
    public static IEnumerable<string> SystemDirectories()
    {
        yield return "/usr/local/include";
        if (MultiarchTriplet() is { } triplet)
            yield return "/usr/include/" + triplet;
        yield return "/usr/include";
    }

    // The directory name Debian and Ubuntu give an architecture's headers (what `gcc -print-multiarch` prints).
    private static string? MultiarchTriplet() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x86_64-linux-gnu",
        Architecture.Arm64 => "aarch64-linux-gnu",
        Architecture.X86 => "i386-linux-gnu",
        Architecture.Arm => "arm-linux-gnueabihf",
        Architecture.RiscV64 => "riscv64-linux-gnu",
        Architecture.Ppc64le => "powerpc64le-linux-gnu",
        Architecture.S390x => "s390x-linux-gnu",
        Architecture.LoongArch64 => "loongarch64-linux-gnu",
        _ => null,
    };

    /// <summary>
    /// The file <paramref name="header"/> names, or null. An absolute name is used as it is; <c>#include "x.h"</c>
    /// looks first beside the file that includes it (<paramref name="includingDirectory"/>), as C compilers do.
    /// </summary>
    public string? Find(string header, string? includingDirectory = null)
    {
        if (header.Length == 0)
            return null;
        if (Path.IsPathRooted(header))
            return File.Exists(header) ? header : null;
        if (includingDirectory is not null && Path.Combine(includingDirectory, header) is var beside && File.Exists(beside))
            return beside;
        foreach (var directory in Directories)
        {
            var candidate = Path.Combine(directory, header);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
