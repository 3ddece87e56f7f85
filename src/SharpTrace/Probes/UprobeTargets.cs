using SharpTrace.Kernel;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Probes;

/// <summary>
/// Finds the file a uprobe names, spelled as probe names show it: a path as written, a program on PATH
/// (<c>uprobe:bash:readline</c>), or a shared library the loader's cache names (<c>uprobe:libc:malloc</c>; in its
/// directories, <c>uprobe:c:malloc</c>). With
/// <c>-p PID</c> the names are those the process sees: in another mount namespace (a container) they are looked up
/// under <c>/proc/PID/root</c>, with the process's own PATH, as bpftrace does.
/// </summary>
internal static class UprobeTargets
{
    // The loader's built-in directories; /etc/ld.so.conf and its includes add the rest.
    private static readonly string[] DefaultLibraryDirectories = ["/lib64", "/usr/lib64", "/lib", "/usr/lib"];
    private const int TypeExecutable = 2; // ET_EXEC
    private const int TypeShared = 3; // ET_DYN
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// The file <paramref name="target"/> names, spelled as the newest bpftrace spells it in probe names (its
    /// <c>resolve_binary_path</c>), or null when there is none: a path as written (<c>./out/app</c>, <c>out/app</c>, not
    /// made absolute); a library name <c>libNAME</c> as the loader's cache gives it (<see cref="LoaderCache"/>; with
    /// <paramref name="pid"/> first the library the process maps); a bare name as a file of the working directory, else
    /// the first PATH directory holding it (<c>DIR/NAME</c>); else (our addition) a library in the loader's directories,
    /// <c>c</c> for libc too. With <paramref name="pid"/>, as that process sees it (under <c>/proc/PID/root</c> when its
    /// mount namespace is not ours, with its own PATH).
    /// </summary>
    public static string? Find(string target, int? pid = null)
    {
        var root = pid is { } process ? MountRoot(process) : "";
        if (target.StartsWith("lib", StringComparison.Ordinal) && !target.Contains('/') && !Wildcard.Has(target)
            && CachedLibrary(target["lib".Length..], pid, root) is { } cached)
            return cached;
        if (target.Contains('/'))
        {
            // A path already under the process's root (a file -p's listing named) is not rooted twice.
            var path = target.StartsWith(root + "/", StringComparison.Ordinal) ? target : root + target;
            path = target.StartsWith('/') ? path : target;
            return File.Exists(path) ? path : null;
        }
        var searchPath = root.Length > 0 ? ProcessPath(pid!.Value) : Environment.GetEnvironmentVariable("PATH");
        if (root.Length == 0 && IsProbeable(target))
            return target;
        return FindOnPath(target, root, searchPath) ?? FindLibrary(target, root);
    }

    /// <summary>
    /// Library <c>libNAME</c> as bcc's which_so finds it for the newest bpftrace: with <paramref name="pid"/> the first file
    /// the process maps whose path holds <c>/libNAME.</c> or <c>/libNAME-</c> and <c>.so</c>, else the loader's cache.
    /// </summary>
    private static string? CachedLibrary(string name, int? pid, string root)
    {
        if (pid is { } process && MappedLibrary(name, process) is { } mapped)
            return root + mapped;
        var library = LoaderCache.Load(root + LoaderCache.DefaultPath)?.Find(name);
        return library is not null && File.Exists(root + library) ? root + library : null;
    }

    private static string? MappedLibrary(string name, int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/maps"))
            {
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 6 && fields[5].TrimStart() is var path && path.Contains(".so", StringComparison.Ordinal)
                    && (path.Contains($"/lib{name}.", StringComparison.Ordinal) || path.Contains($"/lib{name}-", StringComparison.Ordinal)))
                    return path;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>
    /// The process's view of the file system as a path prefix: "" when it shares our mount namespace (or it cannot be
    /// told), else <c>/proc/PID/root</c>.
    /// </summary>
    public static string MountRoot(int pid)
    {
        var ours = FileIdentity.Of("/proc/self/ns/mnt");
        var theirs = FileIdentity.Of($"/proc/{pid}/ns/mnt");
        return ours is null || theirs is null || ours == theirs ? "" : $"/proc/{pid}/root";
    }

    /// <summary>
    /// The ELF files process <paramref name="pid"/> maps (its program first, then its libraries in the order of
    /// <c>/proc/PID/maps</c>), each named under <c>/proc/PID/root</c> as bpftrace names them; files deleted since they
    /// were mapped are left out. Empty when the process is gone.
    /// </summary>
    public static IReadOnlyList<string> MappedFiles(int pid)
    {
        var root = $"/proc/{pid}/root";
        var files = new List<string>();
        try
        {
            if (new FileInfo($"/proc/{pid}/exe").LinkTarget is { } exe)
                files.Add(root + exe);
            foreach (var line in File.ReadLines($"/proc/{pid}/maps"))
            {
                // ADDRESS PERMS OFFSET DEV INODE PATH, the path possibly holding spaces.
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 6 && fields[5].TrimStart() is { } path && path.StartsWith('/'))
                    files.Add(root + path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        return files.Where(f => !f.EndsWith(" (deleted)", StringComparison.Ordinal)).Distinct().Where(IsElf).ToList();
    }
    /// <summary>
    /// The file <paramref name="target"/> names (as <c>-p</c>'s process sees it, <see cref="ProbeResolution.TargetPid"/>)
    /// and its ELF contents, read once per compilation (<see cref="ProbeResolution.ElfFiles"/>); null, after an error
    /// over <paramref name="point"/> in bpftrace's words (<paramref name="kind"/> names the probe kind), when the file
    /// is missing or cannot be read.
    /// </summary>
    public static (string Path, ElfFile Elf)? Open(string kind, string target, AttachPoint point, ProbeResolution resolution)
    {
        if (Find(target, resolution.TargetPid) is not { } path)
        {
            resolution.Diagnostics.Error(point.Span, $"{kind} target file '{target}' does not exist or is not executable");
            return null;
        }
        // A bare name several candidates hold (a file of the working directory, each PATH directory's, /bin and /usr/bin
        // on merged systems alike) takes the first, with both bpftraces' warning.
        if (resolution.TargetPid is null && !target.Contains('/') && CandidatesOnPath(target) is var count and > 1)
            resolution.Diagnostics.Warning(point.Span, $"attaching to {kind} target file '{path}' but matched {count} binaries");
        try
        {
            return (path, Read(path, resolution));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            resolution.Diagnostics.Error(point.Span, $"{kind} target file '{path}' cannot be read: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// With <c>-p PID</c>, a target written with wildcards (<c>uprobe:*:malloc</c>, <c>usdt:*:PROVIDER:NAME</c>) or
    /// left empty names the files the process maps (<see cref="MappedFiles"/>) whose path, under <c>/proc/PID/root</c>
    /// or as the process sees it, it matches; files that cannot be read are left out. Null without <c>-p</c>.
    /// </summary>
    public static IReadOnlyList<(string Path, ElfFile Elf)>? OpenMapped(string target, ProbeResolution resolution)
    {
        if (resolution.TargetPid is not { } pid)
            return null;
        return OpenEach(BinaryGlob.MappedMatching(target, pid, MappedFiles(pid)), resolution);
    }

    /// <summary>
    /// Without <c>-p</c>, the files a target written with wildcards names (<c>uprobe:/usr/lib/*/libc.so*:malloc</c>;
    /// <see cref="BinaryGlob"/>: also in each PATH directory when it has no slash, each file once), kept as the newest
    /// bpftrace keeps them: an ELF executable with execute permission, or a PIE or shared library. Files that cannot
    /// be read are left out.
    /// </summary>
    public static IReadOnlyList<(string Path, ElfFile Elf)> OpenGlobbed(string target, ProbeResolution resolution) =>
        OpenEach(Globbed(target), resolution);

    private static List<(string Path, ElfFile Elf)> OpenEach(IEnumerable<string> paths, ProbeResolution resolution)
    {
        var files = new List<(string, ElfFile)>();
        foreach (var path in paths)
        {
            try
            {
                files.Add((path, Read(path, resolution)));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // A file that is no ELF file, or cannot be read, has no probes.
            }
        }
        return files;
    }

    /// <summary>The paths of the files <see cref="OpenGlobbed"/> opens, named as the glob found them.</summary>
    public static IReadOnlyList<string> Globbed(string target) => BinaryGlob.Candidates(target).Where(IsProbeable).ToList();

    /// <summary>An ELF executable (ET_EXEC) someone may execute, or a PIE or shared library (ET_DYN).</summary>
    public static bool IsProbeable(string path) => ElfType(path) switch
    {
        TypeExecutable => OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & AnyExecute) != 0,
        TypeShared => true,
        _ => false,
    };

    private static ElfFile Read(string path, ProbeResolution resolution)
    {
        if (!resolution.ElfFiles.TryGetValue(path, out var elf))
            resolution.ElfFiles[path] = elf = ElfFile.Read(path, resolution.DebugFiles);
        return elf;
    }

    // How many of the newest bpftrace's candidates for a bare name are files it would probe: NAME in the working
    // directory, then DIR/NAME for each PATH directory (a directory listed twice counts twice, as there).
    private static int CandidatesOnPath(string name) => OnPath(name).Count;

    /// <summary>
    /// Every file a bare name (no slash, no <c>-p</c>) names, as the newest bpftrace's resolve_binary_path finds them:
    /// the name in the working directory (named as written), then <c>DIR/NAME</c> for each PATH directory in its order,
    /// each a file it would probe; one file reached by two names (<c>/bin</c> and <c>/usr/bin</c>) counts twice.
    /// </summary>
    public static IReadOnlyList<string> OnPath(string name) =>
        new[] { name }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => directory + "/" + name)).Where(IsProbeable).ToList();

    // DIR/NAME, joined as the newest bpftrace joins them (a PATH entry ending in a slash keeps it), the first that is a
    // program or library it would probe.
    private static string? FindOnPath(string name, string root, string? searchPath) =>
        (searchPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => root + directory + "/" + name)
            .FirstOrDefault(IsProbeable);

    // The PATH in the process's environment, where a program name is looked up in its mount namespace.
    private static string? ProcessPath(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0')
                .FirstOrDefault(v => v.StartsWith("PATH=", StringComparison.Ordinal))?["PATH=".Length..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? FindLibrary(string name, string root)
    {
        var stem = name.StartsWith("lib", StringComparison.Ordinal) ? name : "lib" + name;
        foreach (var directory in LibraryDirectories(root).Select(d => root + d).Where(Directory.Exists))
        {
            // libc.so is often a linker script; the versioned file (libc.so.6) is the ELF library.
            var candidates = Directory.EnumerateFiles(directory, stem + ".so*")
                .Where(f => Path.GetFileName(f) == stem + ".so" || Path.GetFileName(f).StartsWith(stem + ".so.", StringComparison.Ordinal))
                .OrderBy(f => f.Length).ThenBy(f => f, StringComparer.Ordinal);
            if (candidates.FirstOrDefault(IsElf) is { } found)
                return found;
        }
        return null;
    }

    // The loader's directories as the file system under root names them (without the root).
    private static IEnumerable<string> LibraryDirectories(string root)
    {
        var directories = new List<string>();
        ReadLoaderConfig(root, "/etc/ld.so.conf", directories, depth: 0);
        return directories.Concat(DefaultLibraryDirectories).Distinct();
    }

    private static void ReadLoaderConfig(string root, string file, List<string> directories, int depth)
    {
        if (depth > 4 || !File.Exists(root + file))
            return;
        foreach (var raw in File.ReadLines(root + file))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.StartsWith("include ", StringComparison.Ordinal))
            {
                var pattern = line["include ".Length..].Trim();
                var directory = Path.GetDirectoryName(pattern) ?? "/";
                if (Directory.Exists(root + directory))
                    foreach (var included in Directory.EnumerateFiles(root + directory, Path.GetFileName(pattern)).Order(StringComparer.Ordinal))
                        ReadLoaderConfig(root, included[root.Length..], directories, depth + 1);
            }
            else if (line.StartsWith('/'))
                directories.Add(line);
        }
    }

    /// <summary>Whether <paramref name="path"/> is an ELF file (its header read).</summary>
    public static bool IsElf(string path) => ElfType(path) is not null;

    // The ELF file type (e_type) of the file, null when it is no ELF file (or no regular file).
    private static int? ElfType(string path)
    {
        if (!RegularFiles.IsRegular(path))
            return null; // opening a FIFO would wait for a writer; a device is no program
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> header = stackalloc byte[18];
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header[..4].SequenceEqual("\u007fELF"u8))
                return null;
            // e_type, in the file's byte order (EI_DATA: 1 little-endian, 2 big-endian).
            return header[5] == 2 ? header[16] << 8 | header[17] : header[17] << 8 | header[16];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
