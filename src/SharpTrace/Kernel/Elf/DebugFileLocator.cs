namespace SharpTrace.Kernel.Elf;

/// <summary>
/// Finds the separate debug file of a stripped binary the way gdb and elfutils do: by build-id
/// (<c>ROOT/.build-id/xx/rest.debug</c>), then by the <c>.gnu_debuglink</c> name (beside the binary, in its
/// <c>.debug/</c> directory, and under <c>ROOT/</c> followed by the binary's directory), the last checked against the
/// link's CRC-32. ROOT is each of <see cref="DebugRoots"/> (<c>/usr/lib/debug</c> by default).
/// </summary>
internal sealed class DebugFileLocator(IReadOnlyList<string> debugRoots)
{
    /// <summary>The distribution's debug directory only.</summary>
    public static DebugFileLocator Standard { get; } = new(["/usr/lib/debug"]);

    /// <summary>The directories searched for build-id paths and for debuglink names by the binary's directory.</summary>
    public IReadOnlyList<string> DebugRoots { get; } = debugRoots;

    /// <summary>The path of the debug file of <paramref name="binary"/> (read from <paramref name="binaryPath"/>), or null when none is found.</summary>
    public string? Find(string binaryPath, ElfSections binary)
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

    private static bool IsSameFile(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);

    private static uint Crc32Of(string path)
    {
        try
        {
            return Crc32(File.ReadAllBytes(path));
        }
        catch (IOException)
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
