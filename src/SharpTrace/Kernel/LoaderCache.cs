using System.Buffers.Binary;
using System.Text;

namespace SharpTrace.Kernel;

/// <summary>
/// The dynamic loader's cache (<c>/etc/ld.so.cache</c>, written by ldconfig): library names (sonames) and the files
/// that hold them. The newest bpftrace finds <c>uprobe:libc:malloc</c>'s library here (through bcc), and names the
/// probe by the file the cache gives (<c>/lib/x86_64-linux-gnu/libc.so.6</c>). Both layouts are read: the glibc one
/// (<c>glibc-ld.so.cache1.1</c>), alone or after the old <c>ld.so-1.7.0</c> table, and the old one alone.
/// </summary>
internal sealed class LoaderCache
{
    public const string DefaultPath = "/etc/ld.so.cache";

    private const string OldMagic = "ld.so-1.7.0";
    private const string NewMagic = "glibc-ld.so.cache";
    private const int OldHeaderSize = 16; // magic (11 bytes), padding, entry count
    private const int OldEntrySize = 12; // flags, key, value
    private const int NewHeaderSize = 48; // magic and version (20 bytes), entry count, string table length, 5 unused words
    private const int NewEntrySize = 24; // flags, key, value, os version, hwcap
    private const int TypeMask = 0x00ff;
    private const int TypeElfLibc6 = 0x0003;
    private const int AbiMask = 0xff00;

    private readonly IReadOnlyList<(string Name, string Path, int Flags)> _entries;

    private LoaderCache(IReadOnlyList<(string, string, int)> entries) => _entries = entries;

    /// <summary>The entries in the cache's order: soname, file, flags (kind and ABI).</summary>
    public IReadOnlyList<(string Name, string Path, int Flags)> Entries => _entries;

    /// <summary>The cache at <paramref name="path"/>, or null when it is missing or not a loader cache.</summary>
    public static LoaderCache? Load(string path = DefaultPath)
    {
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllBytes(path)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A cache from its bytes, or null when they are not one (or are cut short).</summary>
    public static LoaderCache? Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= OldHeaderSize && bytes[..OldMagic.Length].SequenceEqual(Encoding.ASCII.GetBytes(OldMagic)))
        {
            var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
            var oldLength = (long)OldHeaderSize + count * OldEntrySize;
            var aligned = (oldLength + 7) & ~7L;
            // The glibc table follows the old one when the file is longer than both headers.
            if (bytes.Length > aligned + NewHeaderSize)
                return ParseNew(bytes[(int)aligned..]);
            return ParseOld(bytes, count);
        }
        return ParseNew(bytes);
    }

    /// <summary>
    /// The file of library <c>lib<paramref name="name"/></c> (<c>c</c> for libc) as bcc's which_so finds it: the first
    /// entry whose soname starts with <c>libNAME.so</c> and that is a libc6 ELF library of this process's word size.
    /// </summary>
    public string? Find(string name)
    {
        var soname = "lib" + name + ".so";
        foreach (var (entryName, path, flags) in _entries)
            if (entryName.StartsWith(soname, StringComparison.Ordinal) && MatchesThisMachine(flags))
                return path;
        return null;
    }

    // A 64-bit ABI flag (x86-64, aarch64's, ...) on a 64-bit machine; none on a 32-bit one.
    private static bool MatchesThisMachine(int flags)
    {
        if ((flags & TypeMask) != TypeElfLibc6)
            return false;
        var is64 = (flags & AbiMask) is 0x0100 or 0x0200 or 0x0300 or 0x0400 or 0x0500 or 0x0a00;
        return is64 == Environment.Is64BitProcess;
    }

    private static LoaderCache? ParseNew(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < NewHeaderSize || !bytes[..NewMagic.Length].SequenceEqual(Encoding.ASCII.GetBytes(NewMagic)))
            return null;
        var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]);
        if ((long)NewHeaderSize + count * NewEntrySize > bytes.Length)
            return null;
        var entries = new List<(string, string, int)>((int)count);
        for (var i = 0; i < count; i++)
        {
            var entry = bytes[(NewHeaderSize + i * NewEntrySize)..];
            // Keys and values are offsets from the start of the glibc table.
            if (Text(bytes, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..])) is not { } key
                || Text(bytes, BinaryPrimitives.ReadUInt32LittleEndian(entry[8..])) is not { } value)
                return null;
            entries.Add((key, value, BinaryPrimitives.ReadInt32LittleEndian(entry)));
        }
        return new LoaderCache(entries);
    }

    private static LoaderCache? ParseOld(ReadOnlySpan<byte> bytes, uint count)
    {
        var strings = (long)OldHeaderSize + count * OldEntrySize;
        if (strings > bytes.Length)
            return null;
        var table = bytes[(int)strings..];
        var entries = new List<(string, string, int)>((int)count);
        for (var i = 0; i < count; i++)
        {
            var entry = bytes[(OldHeaderSize + i * OldEntrySize)..];
            // Keys and values are offsets from the string table after the entries.
            if (Text(table, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..])) is not { } key
                || Text(table, BinaryPrimitives.ReadUInt32LittleEndian(entry[8..])) is not { } value)
                return null;
            entries.Add((key, value, BinaryPrimitives.ReadInt32LittleEndian(entry)));
        }
        return new LoaderCache(entries);
    }

    // The NUL-terminated string at offset, or null when it runs past the end.
    private static string? Text(ReadOnlySpan<byte> bytes, uint offset)
    {
        if (offset >= bytes.Length)
            return null;
        var rest = bytes[(int)offset..];
        var end = rest.IndexOf((byte)0);
        return end < 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }
}
