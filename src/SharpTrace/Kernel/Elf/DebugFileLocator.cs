namespace SharpTrace.Kernel.Elf;

/// <summary>
/// Finds the separate debug file of a stripped binary the way gdb and elfutils do: by build-id
/// (<c>ROOT/.build-id/xx/rest.debug</c>), then by the <c>.gnu_debuglink</c> name (beside the binary, in its
/// <c>.debug/</c> directory, and under <c>ROOT/</c> followed by the binary's directory), the last checked against the
/// link's CRC-32. ROOT is each of <see cref="DebugRoots"/> (<c>/usr/lib/debug</c> by default). Before those, the
/// <see cref="Directories"/> of <c>--debuginfo</c> are searched (<see cref="FindInDirectories"/>).
/// </summary>
internal sealed class DebugFileLocator(IReadOnlyList<string> debugRoots)
{
    /// <summary>The distribution's debug directory.</summary>
    public const string StandardRoot = "/usr/lib/debug";

    /// <summary>The standard places only: <see cref="StandardRoot"/>, beside the binary and in its <c>.debug</c> directory.</summary>
    public DebugFileLocator() : this([StandardRoot])
    {
    }

    /// <summary>The directories searched for build-id paths and for debuglink names by the binary's directory.</summary>
    public IReadOnlyList<string> DebugRoots { get; } = debugRoots;

    /// <summary>The directories <c>--debuginfo</c> adds, searched first, in order.</summary>
    public IReadOnlyList<DebugDirectory> Directories { get; init; } = [];

    /// <summary>
    /// The standard places after the directories of <paramref name="options"/>, each a <c>--debuginfo</c> value:
    /// colon-separated directories, absolute or relative to the traced binary's directory, a leading <c>+</c>
    /// asking for the debuglink CRC-32 to be checked (a leading <c>-</c>, not to, the default); empty entries are skipped.
    /// </summary>
    public static DebugFileLocator WithDirectories(IEnumerable<string> options) => new()
    {
        Directories = options.SelectMany(o => o.Split(':', StringSplitOptions.RemoveEmptyEntries))
            .Select(d => d[0] is '+' or '-' ? new DebugDirectory(d[1..], d[0] == '+') : new DebugDirectory(d, false))
            .Where(d => d.Path.Length > 0).ToList(),
    };

    /// <summary>The path of the debug file of <paramref name="binary"/> (read from <paramref name="binaryPath"/>), or null when none is found.</summary>
    public string? Find(string binaryPath, ElfSections binary) =>
        FindInDirectories(binaryPath, binary) ?? FindInStandardPlaces(binaryPath, binary);

    /// <summary>
    /// The debug file in <see cref="Directories"/>, as the newest bpftrace looks there: a build-id path under an
    /// absolute directory, then the debuglink name (or, without a link, the binary's name with <c>.debug</c>) in a
    /// relative directory under the binary's, or in an absolute one under the binary's directory or directly. A
    /// candidate must have the binary's build-id; a binary without one needs the link's CRC-32 where the
    /// directory asks for it (<c>+</c>). Candidates that do not match are skipped.
    /// </summary>
    private string? FindInDirectories(string binaryPath, ElfSections binary)
    {
        if (Directories.Count == 0)
            return null;
        var binaryDirectory = Path.GetDirectoryName(Path.GetFullPath(binaryPath)) ?? "/";
        var name = binary.DebugLink is var (link, _) ? link : Path.GetFileName(binaryPath) + ".debug";
        foreach (var directory in Directories)
        {
            var candidates = new List<string>();
            if (Path.IsPathRooted(directory.Path))
            {
                if (binary.BuildId is { Length: > 2 } buildId)
                    candidates.Add(Path.Combine(directory.Path, ".build-id", buildId[..2], buildId[2..] + ".debug"));
                candidates.Add(Path.Combine(directory.Path, binaryDirectory.TrimStart('/'), name));
                candidates.Add(Path.Combine(directory.Path, name));
            }
            else
                candidates.Add(Path.GetFullPath(Path.Combine(binaryDirectory, directory.Path, name)));
            if (candidates.FirstOrDefault(c => RegularFiles.IsRegular(c) && !IsSameFile(c, binaryPath) && Matches(c, binary, directory.CheckCrc)) is { } found)
                return found;
        }
        return null;
    }

    private static bool Matches(string candidate, ElfSections binary, bool checkCrc)
    {
        if (binary.BuildId is { } buildId)
        {
            try
            {
                return string.Equals(ElfSections.Read(candidate).BuildId, buildId, StringComparison.Ordinal);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
        return !checkCrc || binary.DebugLink is not var (_, crc) || Crc32Of(candidate) == crc;
    }

    private string? FindInStandardPlaces(string binaryPath, ElfSections binary)
    {
        if (binary.BuildId is { Length: > 2 } buildId)
            foreach (var root in DebugRoots)
            {
                var candidate = Path.Combine(root, ".build-id", buildId[..2], buildId[2..] + ".debug");
                if (RegularFiles.IsRegular(candidate) && !IsSameFile(candidate, binaryPath))
                    return candidate;
            }
        if (binary.DebugLink is not var (name, crc))
            return null;
        var directory = Path.GetDirectoryName(Path.GetFullPath(binaryPath)) ?? "/";
        var candidates = new List<string> { Path.Combine(directory, name), Path.Combine(directory, ".debug", name) };
        candidates.AddRange(DebugRoots.Select(root => Path.Combine(root, directory.TrimStart('/'), name)));
        return candidates.FirstOrDefault(c => RegularFiles.IsRegular(c) && !IsSameFile(c, binaryPath) && Crc32Of(c) == crc);
    }

    /// <summary>The sections of the debug file of <paramref name="binary"/>, or null when none is found or it cannot be read.</summary>
    public ElfSections? Open(string binaryPath, ElfSections binary)
    {
        if (Find(binaryPath, binary) is not { } path)
            return null;
        try
        {
            return ElfSections.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The directories of the locator as <c>--debuginfo</c> gave them, <c>+</c> included.</summary>
    public override string ToString() => string.Join(':', Directories.Select(d => (d.CheckCrc ? "+" : "") + d.Path));

    private static bool IsSameFile(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);

    private static uint Crc32Of(string path)
    {
        try
        {
            return Crc32(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The CRC-32 (IEEE 802.3, reflected, as zlib's crc32) that <c>.gnu_debuglink</c> records.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xffffffffu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
        }
        return ~crc;
    }
}

/// <summary>A <c>--debuginfo</c> directory: absolute, or relative to the traced binary's; <paramref name="CheckCrc"/> with a leading <c>+</c>.</summary>
internal sealed record DebugDirectory(string Path, bool CheckCrc);
