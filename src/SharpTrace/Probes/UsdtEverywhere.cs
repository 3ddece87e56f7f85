using SharpTrace.Kernel;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics;

namespace SharpTrace.Probes;

/// <summary>
/// The files a usdt probe with a wildcard binary names without <c>-p</c> (<c>usdt:*:PROVIDER:NAME</c>,
/// <c>usdt:/usr/lib/*/libc.so*:…</c>), as the newest bpftrace finds them (its <c>resolve_binary_path</c>): the pattern
/// as a glob and, for a pattern without a slash, the same glob in each directory of PATH; each an ELF executable with
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
        var candidates = new List<string> { pattern };
        if (!pattern.Contains('/'))
            candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, pattern)));
        var paths = candidates.SelectMany(Glob);
        if (pattern == "*")
            paths = paths.Concat(RunningProcessesFiles());
        var seen = new HashSet<(ulong, ulong)>();
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (FileIdentity.Of(path) is not { } identity || !seen.Add(identity))
                continue;
            if (UsdtNotes.TypeOfFileWithNotes(path) is not { } type)
                continue;
            if (type == TypeExecutable && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & AnyExecute) == 0)
                continue;
            files.Add(path);
        }
        return files;
    }

    /// <summary>
    /// The paths matching <paramref name="pattern"/>, each part with wildcards matched against a directory's entries
    /// (names starting with a dot only by a part that does too), sorted as glob(3) sorts them.
    /// </summary>
    public static IEnumerable<string> Glob(string pattern)
    {
        var parts = pattern.Split('/');
        IEnumerable<string> found = [pattern.StartsWith('/') ? "/" : ""];
        foreach (var part in parts.Where(p => p.Length > 0))
        {
            found = Wildcard.Has(part)
                ? found.SelectMany(directory => Entries(directory, part)).ToList()
                : found.Select(directory => directory + (directory.Length == 0 || directory.EndsWith('/') ? "" : "/") + part).ToList();
        }
        return found.Where(p => p.Length > 0 && (File.Exists(p) || Directory.Exists(p)));
    }

    private static IEnumerable<string> Entries(string directory, string part)
    {
        try
        {
            var prefix = directory.Length == 0 ? "" : directory.EndsWith('/') ? directory : directory + "/";
            return Directory.EnumerateFileSystemEntries(directory.Length == 0 ? "." : directory)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => (!name.StartsWith('.') || part.StartsWith('.')) && Wildcard.Matches(part, name))
                .Order(StringComparer.Ordinal)
                .Select(name => prefix + name)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
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
