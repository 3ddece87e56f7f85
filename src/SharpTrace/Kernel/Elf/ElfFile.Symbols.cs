using System.Buffers.Binary;
using System.Text;

namespace SharpTrace.Kernel.Elf;

/// <summary>A symbol of any kind (function, object, TLS…) as <c>uaddr</c> looks it up: its address and size in bytes.</summary>
internal sealed record ElfAnySymbol(string Name, ulong Address, ulong Size);

internal sealed partial class ElfFile
{
    private const int TypeExecutable = 2; // ET_EXEC

    /// <summary>
    /// The defined symbol named <paramref name="name"/> in the .symtab or .dynsym of the file at <paramref name="path"/>
    /// (.symtab first), of any type, and whether the file is a fixed-address executable (ET_EXEC, so its addresses
    /// are the run-time ones; a PIE or a shared library is moved by its load address). Null symbol when none has the
    /// name; throws <see cref="InvalidDataException"/> for a file that is not a 64-bit little-endian ELF file.
    /// The code addresses returned are the virtual addresses of <paramref name="fileOffsets"/> (where probes are placed),
    /// through the load segments; null for an offset none holds.
    /// </summary>
    public static (ElfAnySymbol? Symbol, bool IsFixedAddress, ulong?[] CodeAddresses) FindSymbol(string path, string name, IReadOnlyList<ulong> fileOffsets)
    {
        var data = RegularFiles.ReadAllBytes(path);
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F' || data[4] != 2 || data[5] != 1)
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
        var isFixed = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(0x10)) == TypeExecutable;
        var file = new ElfFile(path);
        file.Parse(data);
        var addresses = fileOffsets.Select(file.AddressOf).ToArray();
        var sectionHeaders = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(0x28));
        var sectionHeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(0x3a));
        var sectionHeaderCount = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(0x3c));
        var wanted = Encoding.UTF8.GetBytes(name);
        foreach (var table in new[] { SectionSymbolTable, SectionDynamicSymbols })
        {
            for (var i = 0; i < sectionHeaderCount; i++)
            {
                var header = Checked(data, sectionHeaders + (ulong)(i * sectionHeaderSize), 64);
                if (BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(header + 4)) != table)
                    continue;
                var link = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(header + 0x28));
                var stringsHeader = Checked(data, sectionHeaders + (ulong)(link * sectionHeaderSize), 64);
                if (FindIn(data, header, stringsHeader, wanted) is { } symbol)
                    return (symbol with { Name = name }, isFixed, addresses);
            }
        }
        return (null, isFixed, addresses);
    }

    private static ElfAnySymbol? FindIn(byte[] data, int header, int stringsHeader, byte[] wanted)
    {
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(header + 0x18));
        var size = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(header + 0x20));
        var entrySize = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(header + 0x38));
        var stringsOffset = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(stringsHeader + 0x18));
        var stringsSize = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(stringsHeader + 0x20));
        var strings = Checked(data, stringsOffset, (int)stringsSize);
        if (entrySize < 24)
            return null;
        for (var entry = 0UL; entry + entrySize <= size; entry += entrySize)
        {
            var symbol = Checked(data, offset + entry, 24);
            var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(symbol));
            var section = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(symbol + 6));
            if (section == 0 || nameOffset >= stringsSize)
                continue;
            var start = strings + (int)nameOffset;
            if (start + wanted.Length >= data.Length || data[start + wanted.Length] != 0 || !data.AsSpan(start, wanted.Length).SequenceEqual(wanted))
                continue;
            return new ElfAnySymbol("", BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(symbol + 8)), BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(symbol + 16)));
        }
        return null;
    }
}
