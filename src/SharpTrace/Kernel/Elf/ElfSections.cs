using System.Buffers.Binary;
using System.Text;

namespace SharpTrace.Kernel.Elf;

/// <summary>One section of an ELF file: where its bytes lie in the file, and its type (SHT_NOBITS has none).</summary>
internal sealed record ElfSection(string Name, int Type, ulong Address, int Offset, int Size)
{
    /// <summary>SHT_NOBITS: the section occupies no bytes in this file (.bss, and every section of a stripped debug file's code).</summary>
    public bool HasNoBits => Type == 8;
}

/// <summary>
/// The sections of a 64-bit little-endian ELF file by name, over the file's bytes: what DWARF reading and the
/// separate debug file lookup need (.debug_*, the GNU build-id note, .gnu_debuglink).
/// </summary>
internal sealed class ElfSections
{
    private const int NoteGnuBuildId = 3; // NT_GNU_BUILD_ID
    private readonly Dictionary<string, ElfSection> _sections = new(StringComparer.Ordinal);

    private ElfSections(string path, byte[] data)
    {
        Path = path;
        Data = data;
    }

    /// <summary>The file these sections were read from.</summary>
    public string Path { get; }

    /// <summary>The whole file.</summary>
    public byte[] Data { get; }

    /// <summary>Reads <paramref name="path"/>; throws <see cref="InvalidDataException"/> when it is not a 64-bit little-endian ELF file.</summary>
    public static ElfSections Read(string path) => Parse(path, RegularFiles.ReadAllBytes(path));

    /// <summary>The sections of <paramref name="data"/>, the bytes of the ELF file <paramref name="path"/>.</summary>
    public static ElfSections Parse(string path, byte[] data)
    {
        if (data.Length < 64 || !data.AsSpan(0, 4).SequenceEqual("\u007fELF"u8))
            throw new InvalidDataException($"{path} is not an ELF file");
        if (data[4] != 2 || data[5] != 1)
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
        var sections = new ElfSections(path, data);
        var headers = U64(data, 0x28);
        var headerSize = U16(data, 0x3a);
        var count = U16(data, 0x3c);
        var namesIndex = U16(data, 0x3e);
        if (count == 0 || namesIndex >= count || headerSize < 64)
            return sections;
        var namesHeader = Checked(data, headers + (ulong)(namesIndex * headerSize), 64);
        var names = Checked(data, U64(data, namesHeader + 0x18), 0);
        for (var i = 1; i < count; i++)
        {
            var header = Checked(data, headers + (ulong)(i * headerSize), 64);
            var type = (int)U32(data, header + 4);
            var offset = U64(data, header + 0x18);
            var size = U64(data, header + 0x20);
            if (type != 8)
                Checked(data, offset, (int)Math.Min(size, int.MaxValue));
            var name = CString(data, names + (int)U32(data, header));
            sections._sections.TryAdd(name, new ElfSection(name, type, U64(data, header + 0x10), (int)offset, (int)size));
        }
        return sections;
    }

    /// <summary>The section called <paramref name="name"/>, or null.</summary>
    public ElfSection? Find(string name) => _sections.GetValueOrDefault(name);

    /// <summary>The bytes of section <paramref name="name"/>; empty when the file has no such section or it has no bytes here.</summary>
    public ReadOnlyMemory<byte> Bytes(string name) =>
        Find(name) is { HasNoBits: false } section ? Data.AsMemory(section.Offset, section.Size) : ReadOnlyMemory<byte>.Empty;

    /// <summary>Whether the file has a section <paramref name="name"/> with bytes in it.</summary>
    public bool HasBytes(string name) => Find(name) is { HasNoBits: false, Size: > 0 };

    /// <summary>The GNU build-id (the <c>.note.gnu.build-id</c> note's descriptor) in lowercase hex, or null.</summary>
    public string? BuildId
    {
        get
        {
            var notes = Bytes(".note.gnu.build-id").Span;
            for (var at = 0; at + 12 <= notes.Length;)
            {
                var nameSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes[at..]);
                var descriptorSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes[(at + 4)..]);
                var type = BinaryPrimitives.ReadUInt32LittleEndian(notes[(at + 8)..]);
                var descriptor = at + 12 + Align4(nameSize);
                if (descriptor + descriptorSize > notes.Length)
                    return null;
                if (type == NoteGnuBuildId && descriptorSize > 0)
                    return Convert.ToHexStringLower(notes.Slice(descriptor, descriptorSize));
                at = descriptor + Align4(descriptorSize);
            }
            return null;
        }
    }

    /// <summary>The <c>.gnu_debuglink</c> section: the debug file's name and the CRC-32 of its contents; null when absent.</summary>
    public (string Name, uint Crc)? DebugLink
    {
        get
        {
            var link = Bytes(".gnu_debuglink").Span;
            var end = link.IndexOf((byte)0);
            if (end <= 0)
                return null;
            var crcOffset = Align4(end + 1);
            if (crcOffset + 4 > link.Length)
                return null;
            return (Encoding.UTF8.GetString(link[..end]), BinaryPrimitives.ReadUInt32LittleEndian(link[crcOffset..]));
        }
    }

    private static int Align4(int value) => (value + 3) & ~3;

    private static int Checked(byte[] data, ulong offset, int length) =>
        offset + (ulong)length <= (ulong)data.Length ? (int)offset : throw new InvalidDataException("truncated ELF file");

    private static string CString(byte[] data, int offset)
    {
        if (offset >= data.Length)
            return "";
        var end = Array.IndexOf(data, (byte)0, offset);
        return Encoding.UTF8.GetString(data, offset, (end < 0 ? data.Length : end) - offset);
    }

    private static ushort U16(byte[] data, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));
    private static uint U32(byte[] data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
    private static ulong U64(byte[] data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(offset));
}
