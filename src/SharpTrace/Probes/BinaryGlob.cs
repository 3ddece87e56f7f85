using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Probes;

/// <summary>
/// The files a probe target written with wildcards names without <c>-p</c> (<c>uprobe:/usr/lib/*/libc.so*:malloc</c>,
/// <c>usdt:./out/*:PROVIDER:NAME</c>), as the newest bpftrace expands them (its <c>resolve_binary_path</c>): the pattern
/// as a glob (<c>*</c> and <c>?</c>; a target is one only when it holds a <c>*</c>, <see cref="Wildcard.Has"/>) and, for a
/// pattern without a slash, the same glob in each directory of PATH. Shared by uprobes
/// (<see cref="UprobeTargets"/>) and usdt probes (<see cref="UsdtEverywhere"/>), each keeping the files it can probe.
/// </summary>
internal static class BinaryGlob
{
    /// <summary>
    /// The paths <paramref name="pattern"/> names, in the order found: its own matches first, then those in each
    /// directory of PATH; a file reached by two names (<c>/bin</c> is <c>/usr/bin</c> on merged systems, a symbolic
    /// link) is named once, by its first name, so that its probes do not fire twice.
    /// </summary>
    public static IEnumerable<string> Candidates(string pattern) => Distinct(Matches(pattern));

    /// <summary>The glob's matches of <paramref name="pattern"/> and of it in each PATH directory, duplicates kept.</summary>
    public static IEnumerable<string> Matches(string pattern)
    {
        var candidates = new List<string> { pattern };
        if (!pattern.Contains('/'))
            candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, pattern)));
        return candidates.SelectMany(Glob);
    }

    /// <summary>
    /// With <c>-p PID</c>: the files of <paramref name="mapped"/> (named under <c>/proc/PID/root</c>) whose path there, or
    /// as the process sees it, the glob <paramref name="target"/> matches; every file for an empty target.
    /// </summary>
    public static IEnumerable<string> MappedMatching(string target, int pid, IEnumerable<string> mapped)
    {
        var root = $"/proc/{pid}/root";
        return mapped.Where(f => target.Length == 0 || Wildcard.Glob(target, f, anyCharacter: true)
            || f.StartsWith(root, StringComparison.Ordinal) && Wildcard.Glob(target, f[root.Length..], anyCharacter: true));
    }

    /// <summary>Each file of <paramref name="paths"/> once (by device and inode), by its first name; missing paths are left out.</summary>
    public static IEnumerable<string> Distinct(IEnumerable<string> paths)
    {
        var seen = new HashSet<(ulong, ulong)>();
        foreach (var path in paths)
            if (FileIdentity.Of(path) is { } identity && seen.Add(identity))
                yield return path;
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
            found = part.AsSpan().IndexOfAny('*', '?') >= 0
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
                .Where(name => (!name.StartsWith('.') || part.StartsWith('.')) && Wildcard.Glob(part, name, anyCharacter: true))
                .Order(StringComparer.Ordinal)
                .Select(name => prefix + name)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
