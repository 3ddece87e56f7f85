using System.Buffers.Binary;
using System.Text;

namespace SharpTrace.Kernel.Elf;

/// <summary>A function symbol of an ELF file: its name, virtual address and size in bytes.</summary>
internal sealed record ElfSymbol(string Name, ulong Address, ulong Size);

/// <summary>
/// The parts of a 64-bit little-endian ELF file (executable or shared library) that uprobes need: function
/// symbols from .symtab and .dynsym, the USDT probes of its .note.stapsdt notes, and the load segments that turn
/// an address into the file offset the kernel places a uprobe (or finds a USDT semaphore) at.
/// </summary>
internal sealed partial class ElfFile
{
    private const int SectionSymbolTable = 2; // SHT_SYMTAB
    private const int SectionDynamicSymbols = 11; // SHT_DYNSYM
    private const int SegmentLoad = 1; // PT_LOAD
    private const int SegmentExecutable = 1; // PF_X
    private const int SymbolFunction = 2; // STT_FUNC
    private const int SymbolIndirectFunction = 10; // STT_GNU_IFUNC

    private readonly List<(ulong Address, ulong Size, ulong Offset)> _codeSegments = [];
    private readonly List<(ulong Address, ulong Size, ulong Offset)> _loadSegments = [];
    private bool _hasSymbolTable;

    private ElfFile(string path) => Path = path;

    /// <summary>The file this was read from.</summary>
    public string Path { get; }

    /// <summary>Defined function symbols, each name once (.symtab wins over .dynsym), in file order.</summary>
    public IReadOnlyList<ElfSymbol> Functions { get; private set; } = [];

    /// <summary>The USDT probe locations of the file's <c>.note.stapsdt</c> notes, in file order; empty when it has none.</summary>
    public IReadOnlyList<UsdtNote> UsdtProbes { get; private set; } = [];

    /// <summary>
    /// Reads the symbols and segments of <paramref name="path"/>, the symbols of a stripped file from its separate
    /// debug file when the standard places have one; throws <see cref="InvalidDataException"/> if it is not a 64-bit
    /// little-endian ELF file.
    /// </summary>
    public static ElfFile Read(string path) => Read(path, new DebugFileLocator());

    /// <summary>Reads <paramref name="path"/> as <see cref="Read(string)"/>, looking for a separate debug file with <paramref name="locator"/>.</summary>
    public static ElfFile Read(string path, DebugFileLocator locator)
    {
        var file = new ElfFile(path);
        var data = RegularFiles.ReadAllBytes(path);
        file.Parse(data);
        if (!file._hasSymbolTable)
            file.AddDebugFileSymbols(data, locator);
        return file;
    }

    /// <summary>The file offset holding the code at <paramref name="address"/>, or null if no executable load segment covers it.</summary>
    public ulong? FileOffsetOf(ulong address)
    {
        foreach (var (start, size, offset) in _codeSegments)
            if (address >= start && address < start + size)
                return address - start + offset;
        return null;
    }

    /// <summary>The file offset holding the data at <paramref name="address"/> (a USDT semaphore), or null if no load segment's file bytes cover it.</summary>
    public ulong? FileOffsetOfData(ulong address)
    {
        foreach (var (start, size, offset) in _loadSegments)
            if (address >= start && address < start + size)
                return address - start + offset;
        return null;
    }

    /// <summary>The virtual address of the code at <paramref name="fileOffset"/>, or null if no executable load segment holds it.</summary>
    public ulong? AddressOf(ulong fileOffset)
    {
        foreach (var (start, size, offset) in _codeSegments)
            if (fileOffset >= offset && fileOffset < offset + size)
                return fileOffset - offset + start;
        return null;
    }

    private void Parse(byte[] data)
    {
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            throw new InvalidDataException($"{Path} is not an ELF file");
        if (data[4] != 2 || data[5] != 1)
            throw new InvalidDataException($"{Path} is not a 64-bit little-endian ELF file");

        var programHeaders = U64(data, 0x20);
        var sectionHeaders = U64(data, 0x28);
        var programHeaderSize = U16(data, 0x36);
        var programHeaderCount = U16(data, 0x38);
        var sectionHeaderSize = U16(data, 0x3a);
        var sectionHeaderCount = U16(data, 0x3c);

        for (var i = 0; i < programHeaderCount; i++)
        {
            var header = Checked(data, programHeaders + (ulong)(i * programHeaderSize), 56);
            if (U32(data, header) != SegmentLoad)
                continue;
            var segment = (U64(data, header + 0x10), U64(data, header + 0x20), U64(data, header + 0x08));
            _loadSegments.Add(segment);
            if ((U32(data, header + 4) & SegmentExecutable) != 0)
                _codeSegments.Add(segment);
        }
        ReadUsdtNotes(data, sectionHeaders, sectionHeaderSize, sectionHeaderCount);

        var functions = new List<ElfSymbol>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // .symtab first: it has every function, .dynsym only the exported ones.
        foreach (var wanted in new[] { SectionSymbolTable, SectionDynamicSymbols })
        {
            for (var i = 0; i < sectionHeaderCount; i++)
            {
                var header = Checked(data, sectionHeaders + (ulong)(i * sectionHeaderSize), 64);
                if (U32(data, header + 4) != wanted)
                    continue;
                _hasSymbolTable |= wanted == SectionSymbolTable;
                var stringsHeader = Checked(data, sectionHeaders + (ulong)(U32(data, header + 0x28) * sectionHeaderSize), 64);
                ReadSymbols(data, header, stringsHeader, functions, seen);
            }
        }
        Functions = functions;
    }

    // Sections are found by name (.note.stapsdt, .stapsdt.base) through the section name table (e_shstrndx).
    private void ReadUsdtNotes(byte[] data, ulong sectionHeaders, int sectionHeaderSize, int sectionHeaderCount)
    {
        var namesIndex = U16(data, 0x3e);
        if (sectionHeaderCount == 0 || namesIndex >= sectionHeaderCount)
            return;
        var namesHeader = Checked(data, sectionHeaders + (ulong)(namesIndex * sectionHeaderSize), 64);
        var names = Checked(data, U64(data, namesHeader + 0x18), (int)U64(data, namesHeader + 0x20));
        (int Offset, int Size)? notes = null;
        ulong? baseAddress = null;
        for (var i = 0; i < sectionHeaderCount; i++)
        {
            var header = Checked(data, sectionHeaders + (ulong)(i * sectionHeaderSize), 64);
            var name = CString(data, names + (int)U32(data, header));
            if (name == ".note.stapsdt")
            {
                var size = (int)U64(data, header + 0x20);
                notes = (Checked(data, U64(data, header + 0x18), size), size);
            }
            else if (name == ".stapsdt.base")
                baseAddress = U64(data, header + 0x10);
        }
        if (notes is { } section)
            UsdtProbes = UsdtNotes.Read(data.AsSpan(section.Offset, section.Size), baseAddress);
    }

    private static void ReadSymbols(byte[] data, int header, int stringsHeader, List<ElfSymbol> functions, HashSet<string> seen)
    {
        var offset = U64(data, header + 0x18);
        var size = U64(data, header + 0x20);
        var entrySize = U64(data, header + 0x38);
        var strings = Checked(data, U64(data, stringsHeader + 0x18), (int)U64(data, stringsHeader + 0x20));
        if (entrySize < 24)
            return;
        for (var entry = 0UL; entry + entrySize <= size; entry += entrySize)
        {
            var symbol = Checked(data, offset + entry, 24);
            var type = data[symbol + 4] & 0xf;
            var section = U16(data, symbol + 6);
            var address = U64(data, symbol + 8);
            if (type is not (SymbolFunction or SymbolIndirectFunction) || section == 0 || address == 0)
                continue;
            var name = CString(data, strings + (int)U32(data, symbol));
            if (name.Length > 0 && seen.Add(name))
                functions.Add(new ElfSymbol(name, address, U64(data, symbol + 16)));
        }
    }

    private static int Checked(byte[] data, ulong offset, int length) =>
        offset + (ulong)length <= (ulong)data.Length ? (int)offset : throw new InvalidDataException("truncated ELF file");

    private static string CString(byte[] data, int offset)
    {
        var end = Array.IndexOf(data, (byte)0, offset);
        return Encoding.UTF8.GetString(data, offset, (end < 0 ? data.Length : end) - offset);
    }

    private static ushort U16(byte[] data, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));
    private static uint U32(byte[] data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
    private static ulong U64(byte[] data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(offset));
}
