using System.Buffers.Binary;
using System.Text;

namespace SharpTrace.Kernel.Elf;

/// <summary>
/// One location of a USDT probe, from a <c>.note.stapsdt</c> note: the provider and probe names, the address of the
/// probe's nop, the address of its semaphore (0 for none), both as the file's own addresses (already adjusted for
/// <c>.stapsdt.base</c>), and the arguments as the assembler wrote them (<c>-4@%eax 8@-16(%rbp)</c>).
/// </summary>
internal sealed record UsdtNote(string Provider, string Name, ulong Address, ulong SemaphoreAddress, string ArgumentText)
{
    /// <summary>The arguments, parsed from <see cref="ArgumentText"/>; throws <see cref="FormatException"/> for a spec sharptrace cannot read.</summary>
    public IReadOnlyList<UsdtArgument> Arguments() => UsdtArgument.ParseAll(ArgumentText);
}

/// <summary>
/// Reads the SystemTap SDT notes (type 3, owner <c>stapsdt</c>) of an ELF file's <c>.note.stapsdt</c> section. Each
/// note's descriptor holds three addresses (the probe, the link-time address of <c>_.stapsdt.base</c>, the
/// semaphore) and three NUL-terminated strings (provider, name, arguments). When the file has a <c>.stapsdt.base</c>
/// section, a prelinked file's addresses moved with it: both the probe and a non-zero semaphore are shifted by
/// the difference between the section's address and the base the note recorded, as the SystemTap note format says.
/// </summary>
internal static class UsdtNotes
{
    private const uint NoteTypeStapsdt = 3;
    private const string Owner = "stapsdt";

    /// <summary>The notes of <paramref name="section"/> in file order; <paramref name="baseSection"/> is <c>.stapsdt.base</c>'s address, if the file has one.</summary>
    public static IReadOnlyList<UsdtNote> Read(ReadOnlySpan<byte> section, ulong? baseSection)
    {
        var notes = new List<UsdtNote>();
        var at = 0;
        while (at + 12 <= section.Length)
        {
            var nameSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(section[at..]);
            var descriptorSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(section[(at + 4)..]);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(section[(at + 8)..]);
            var nameStart = at + 12;
            var descriptorStart = nameStart + Align4(nameSize);
            var next = descriptorStart + Align4(descriptorSize);
            if (nameSize < 0 || descriptorSize < 0 || descriptorStart + descriptorSize > section.Length)
                throw new InvalidDataException("truncated .note.stapsdt section");
            var owner = Encoding.ASCII.GetString(section.Slice(nameStart, nameSize)).TrimEnd('\0');
            if (type == NoteTypeStapsdt && owner == Owner && descriptorSize >= 24)
                notes.Add(ReadDescriptor(section.Slice(descriptorStart, descriptorSize), baseSection));
            at = next;
        }
        return notes;
    }

    /// <summary>
    /// The ELF type (<c>e_type</c>: 2 an executable, 3 a PIE or shared library) of the file at <paramref name="path"/>
    /// when it is a 64-bit little-endian ELF file with a <c>.note.stapsdt</c> section, else null; reads the headers
    /// alone, so that looking over every program on PATH stays cheap. A file that is no regular file, or cannot be
    /// read, has none.
    /// </summary>
    public static int? TypeOfFileWithNotes(string path)
    {
        if (!RegularFiles.IsRegular(path))
            return null; // a FIFO would wait for a writer
        try
        {
            using var file = File.OpenHandle(path);
            Span<byte> header = stackalloc byte[64];
            if (RandomAccess.Read(file, header, 0) < 64 || !header[..4].SequenceEqual("\u007fELF"u8) || header[4] != 2 || header[5] != 1)
                return null;
            var type = BinaryPrimitives.ReadUInt16LittleEndian(header[0x10..]);
            var sections = BinaryPrimitives.ReadUInt64LittleEndian(header[0x28..]);
            var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3a..]);
            var count = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3c..]);
            var namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3e..]);
            if (entrySize < 64 || count == 0 || namesIndex >= count || count > 4096)
                return null;
            var table = new byte[entrySize * count];
            if (RandomAccess.Read(file, table, (long)sections) < table.Length)
                return null;
            var namesHeader = table.AsSpan(namesIndex * entrySize);
            var namesOffset = BinaryPrimitives.ReadUInt64LittleEndian(namesHeader[0x18..]);
            var namesSize = BinaryPrimitives.ReadUInt64LittleEndian(namesHeader[0x20..]);
            if (namesSize > 1 << 20)
                return null;
            var names = new byte[namesSize];
            if (RandomAccess.Read(file, names, (long)namesOffset) < names.Length)
                return null;
            var wanted = ".note.stapsdt\0"u8;
            for (var i = 0; i < count; i++)
            {
                var name = (int)BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(i * entrySize));
                if (name < names.Length && names.AsSpan(name).StartsWith(wanted))
                    return type;
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static UsdtNote ReadDescriptor(ReadOnlySpan<byte> descriptor, ulong? baseSection)
    {
        var address = BinaryPrimitives.ReadUInt64LittleEndian(descriptor);
        var recordedBase = BinaryPrimitives.ReadUInt64LittleEndian(descriptor[8..]);
        var semaphore = BinaryPrimitives.ReadUInt64LittleEndian(descriptor[16..]);
        if (baseSection is { } actualBase && recordedBase != 0)
        {
            var shift = unchecked(actualBase - recordedBase);
            address = unchecked(address + shift);
            if (semaphore != 0)
                semaphore = unchecked(semaphore + shift);
        }
        var strings = descriptor[24..];
        var provider = NextString(ref strings);
        var name = NextString(ref strings);
        var arguments = NextString(ref strings);
        return new UsdtNote(provider, name, address, semaphore, arguments);
    }

    private static string NextString(ref ReadOnlySpan<byte> strings)
    {
        var end = strings.IndexOf((byte)0);
        if (end < 0)
            end = strings.Length;
        var text = Encoding.UTF8.GetString(strings[..end]);
        strings = end < strings.Length ? strings[(end + 1)..] : [];
        return text;
    }

    private static int Align4(int size) => (size + 3) & ~3;
}
