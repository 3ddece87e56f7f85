using SharpTrace.Kernel.Elf;

namespace SharpTrace.Probes;

/// <summary>
/// The files a usdt probe with a wildcard binary names without <c>-p</c> (<c>usdt:*:PROVIDER:NAME</c>,
/// <c>usdt:/usr/lib/*/libc.so*:…</c>), as the newest bpftrace finds them (its <c>resolve_binary_path</c>): the pattern
/// as a glob and, for a pattern without a slash, the same glob in each directory of PATH (<see cref="BinaryGlob"/>); each an ELF executable with
/// execute permission or a PIE or shared library. A lone <c>*</c> targets "the entire host" (the reference's words): the
/// files every running process maps join them. Only files with USDT notes are kept, found from their headers alone,
/// and a file reached by two names (<c>/bin</c> is <c>/usr/bin</c> on merged systems) counts once, by its first name,
/// so that its probes do not fire twice.
/// </summary>
internal static class UsdtEverywhere
{
    private const int TypeExecutable = 2; // ET_EXEC
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The files <paramref name="pattern"/> names, in the order found, each once.</summary>
    public static IReadOnlyList<string> Files(string pattern)
    {
        var paths = BinaryGlob.Matches(pattern);
        if (pattern == "*")
            paths = paths.Concat(RunningProcessesFiles());
        var files = new List<string>();
        foreach (var path in BinaryGlob.Distinct(paths))
        {
            if (UsdtNotes.TypeOfFileWithNotes(path) is not { } type)
                continue;
            if (type == TypeExecutable && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & AnyExecute) == 0)
                continue;
            files.Add(path);
        }
        return files;
    }

    // Every running process's mapped files, named as we see them: a process in another mount namespace under
    // /proc/PID/root, as -p names them.
    private static IEnumerable<string> RunningProcessesFiles()
    {
        var pids = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(entry), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
                pids.Add(pid);
        foreach (var pid in pids.Order())
        {
            var root = $"/proc/{pid}/root";
            var shared = UprobeTargets.MountRoot(pid).Length == 0;
            foreach (var file in UprobeTargets.MappedFiles(pid))
                yield return shared && file.StartsWith(root + "/", StringComparison.Ordinal) ? file[root.Length..] : file;
        }
    }
}
