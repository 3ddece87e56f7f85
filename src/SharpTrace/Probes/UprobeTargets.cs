using SharpTrace.Kernel;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Probes;

/// <summary>
/// Finds the file a uprobe names: a path as written, a program on PATH (<c>uprobe:bash:readline</c>), or a
/// shared library in the dynamic loader's directories (<c>uprobe:libc:malloc</c>, <c>uprobe:c:malloc</c>).
/// </summary>
internal static class UprobeTargets
{
    // The loader's built-in directories; /etc/ld.so.conf and its includes add the rest.
    private static readonly string[] DefaultLibraryDirectories = ["/lib64", "/usr/lib64", "/lib", "/usr/lib"];

    /// <summary>The full path of <paramref name="target"/>, or null when no such file exists.</summary>
    public static string? Find(string target)
    {
        if (target.Contains('/'))
            return File.Exists(target) ? Path.GetFullPath(target) : null;
        return FindOnPath(target) ?? FindLibrary(target);
    }

    /// <summary>
    /// The file <paramref name="target"/> names and its ELF contents, read once per compilation
    /// (<see cref="ProbeResolution.ElfFiles"/>); null, after an error over <paramref name="point"/> in bpftrace's words
    /// (<paramref name="kind"/> names the probe kind), when the file is missing or cannot be read.
    /// </summary>
    public static (string Path, ElfFile Elf)? Open(string kind, string target, AttachPoint point, ProbeResolution resolution)
    {
        if (Find(target) is not { } path)
        {
            resolution.Diagnostics.Error(point.Span, $"{kind} target file '{target}' does not exist or is not executable");
            return null;
        }
        try
        {
            if (!resolution.ElfFiles.TryGetValue(path, out var elf))
                resolution.ElfFiles[path] = elf = ElfFile.Read(path);
            return (path, elf);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            resolution.Diagnostics.Error(point.Span, $"{kind} target file '{path}' cannot be read: {e.Message}");
            return null;
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static string? FindLibrary(string name)
    {
        var stem = name.StartsWith("lib", StringComparison.Ordinal) ? name : "lib" + name;
        foreach (var directory in LibraryDirectories().Where(Directory.Exists))
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

    private static IEnumerable<string> LibraryDirectories()
    {
        var directories = new List<string>();
        ReadLoaderConfig("/etc/ld.so.conf", directories, depth: 0);
        return directories.Concat(DefaultLibraryDirectories).Distinct();
    }

    private static void ReadLoaderConfig(string file, List<string> directories, int depth)
    {
        if (depth > 4 || !File.Exists(file))
            return;
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.StartsWith("include ", StringComparison.Ordinal))
            {
                var pattern = line["include ".Length..].Trim();
                var directory = Path.GetDirectoryName(pattern) ?? "/";
                if (Directory.Exists(directory))
                    foreach (var included in Directory.EnumerateFiles(directory, Path.GetFileName(pattern)).Order(StringComparer.Ordinal))
                        ReadLoaderConfig(included, directories, depth + 1);
            }
            else if (line.StartsWith('/'))
                directories.Add(line);
        }
    }

    private static bool IsElf(string path)
    {
        if (!RegularFiles.IsRegular(path))
            return false; // opening a FIFO would wait for a writer; a device is no program
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[4];
            return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("\u007fELF"u8);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
