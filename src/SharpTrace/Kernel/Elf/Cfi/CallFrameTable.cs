using System.Buffers.Binary;
using System.Text;

namespace SharpTrace.Kernel.Elf.Cfi;

/// <summary>A CIE: what the FDEs that point at it share (alignment factors, pointer encoding, initial instructions).</summary>
internal sealed record CommonInformation(
    string Augmentation, ulong CodeAlignment, long DataAlignment, int ReturnRegister, byte PointerEncoding,
    bool IsSignalFrame, ArraySegment<byte> Instructions);

/// <summary>An FDE: the code range [PcBegin, PcEnd) it describes, its CIE and its instructions.</summary>
internal sealed record FrameDescription(ulong PcBegin, ulong PcEnd, CommonInformation Cie, ArraySegment<byte> Instructions, int Offset);

/// <summary>
/// The call frame information of an ELF file: the FDEs of its <c>.eh_frame</c> and <c>.debug_frame</c> sections,
/// sorted by address, and its load segments (to turn the file offset of a mapped address into an ELF address).
/// Built once per file; rows are computed on demand (<see cref="CfiProgram.RowAt"/>).
/// </summary>
internal sealed class CallFrameTable
{
    private const int SegmentLoad = 1; // PT_LOAD
    private readonly FrameDescription[] _eh;
    private readonly FrameDescription[] _debug;
    private readonly List<(ulong Address, ulong Size, ulong Offset)> _segments;

    private CallFrameTable(FrameDescription[] eh, FrameDescription[] debug, List<(ulong, ulong, ulong)> segments)
    {
        _eh = eh;
        _debug = debug;
        _segments = segments;
    }

    /// <summary>The FDEs of <c>.eh_frame</c>, by address.</summary>
    public IReadOnlyList<FrameDescription> EhFrame => _eh;

    /// <summary>The FDEs of <c>.debug_frame</c>, by address.</summary>
    public IReadOnlyList<FrameDescription> DebugFrame => _debug;

    /// <summary>Reads the call frame information of <paramref name="path"/>; throws <see cref="InvalidDataException"/> for what is no 64-bit little-endian ELF file.</summary>
    public static CallFrameTable Read(string path) => Parse(RegularFiles.ReadAllBytes(path));

    /// <summary>Parses the call frame information of an ELF file's bytes.</summary>
    public static CallFrameTable Parse(byte[] data)
    {
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[4] != 2 || data[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        var programHeaders = U64(data, 0x20);
        var sectionHeaders = U64(data, 0x28);
        int programHeaderSize = U16(data, 0x36), programHeaderCount = U16(data, 0x38);
        int sectionHeaderSize = U16(data, 0x3a), sectionHeaderCount = U16(data, 0x3c), namesIndex = U16(data, 0x3e);

        var segments = new List<(ulong, ulong, ulong)>();
        for (var i = 0; i < programHeaderCount; i++)
        {
            var header = Checked(data, programHeaders + (ulong)(i * programHeaderSize), 56);
            if (U32(data, header) == SegmentLoad)
                segments.Add((U64(data, header + 0x10), U64(data, header + 0x28), U64(data, header + 0x08)));
        }

        FrameDescription[] eh = [], debug = [];
        if (sectionHeaderCount > 0 && namesIndex < sectionHeaderCount)
        {
            var namesHeader = Checked(data, sectionHeaders + (ulong)(namesIndex * sectionHeaderSize), 64);
            var names = Checked(data, U64(data, namesHeader + 0x18), (int)U64(data, namesHeader + 0x20));
            for (var i = 0; i < sectionHeaderCount; i++)
            {
                var header = Checked(data, sectionHeaders + (ulong)(i * sectionHeaderSize), 64);
                var type = U32(data, header + 4);
                if (type == 8) // SHT_NOBITS: the section's bytes are in another file
                    continue;
                var name = CString(data, names + (int)U32(data, header));
                var address = U64(data, header + 0x10);
                var size = (int)U64(data, header + 0x20);
                var offset = Checked(data, U64(data, header + 0x18), size);
                if (name == ".eh_frame")
                    eh = Sorted(ReadSection(data, offset, size, address, isEhFrame: true));
                else if (name == ".debug_frame")
                    debug = Sorted(ReadSection(data, offset, size, address, isEhFrame: false));
            }
        }
        return new CallFrameTable(eh, debug, segments);
    }

    /// <summary>The ELF address of the byte at <paramref name="fileOffset"/> in a load segment, or null.</summary>
    public ulong? AddressOf(ulong fileOffset)
    {
        foreach (var (start, size, offset) in _segments)
            if (fileOffset >= offset && fileOffset < offset + size)
                return fileOffset - offset + start;
        return null;
    }

    /// <summary>The FDE describing <paramref name="address"/>: from <c>.eh_frame</c>, else from <c>.debug_frame</c>; null when none does.</summary>
    public FrameDescription? Find(ulong address) => Find(_eh, address) ?? Find(_debug, address);

    private static FrameDescription? Find(FrameDescription[] table, ulong address)
    {
        int low = 0, high = table.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (table[middle].PcBegin <= address)
                low = middle + 1;
            else
                high = middle - 1;
        }
        // high: the last FDE starting at or below the address; FDEs do not nest, but one may be empty.
        for (var i = high; i >= 0 && i >= high - 2; i--)
            if (address >= table[i].PcBegin && address < table[i].PcEnd)
                return table[i];
        return null;
    }

    private static FrameDescription[] Sorted(List<FrameDescription> fdes) => [.. fdes.OrderBy(f => f.PcBegin)];

    /// <summary>
    /// The FDEs of one section. The two formats differ in little: .eh_frame's CIE id is 0 and an FDE points at its
    /// CIE backwards from the pointer, with pointers encoded as the CIE's augmentation says; .debug_frame's CIE id is
    /// all ones, the pointer is an offset into the section, and addresses are plain 8-byte values.
    /// </summary>
    private static List<FrameDescription> ReadSection(byte[] data, int sectionOffset, int size, ulong sectionAddress, bool isEhFrame)
    {
        var fdes = new List<FrameDescription>();
        var cies = new Dictionary<int, CommonInformation>();
        var reader = new DwarfReader(data, sectionOffset, sectionOffset + size);
        while (!reader.AtEnd)
        {
            var start = reader.Position;
            ulong length = reader.U32();
            var is64 = length == 0xffffffff;
            if (is64)
                length = reader.U64();
            if (length == 0)
            {
                if (isEhFrame)
                    break; // the terminator
                continue;
            }
            var idPosition = reader.Position;
            if (length > (ulong)(reader.End - idPosition))
                throw new InvalidDataException("truncated call frame information");
            var end = idPosition + (int)length;
            var id = is64 ? reader.U64() : reader.U32();
            var isCie = isEhFrame ? id == 0 : id == (is64 ? ulong.MaxValue : 0xffffffff);
            if (!isCie)
            {
                var ciePosition = isEhFrame ? idPosition - (int)id : sectionOffset + (int)id;
                if (!cies.TryGetValue(ciePosition, out var cie))
                    cies[ciePosition] = cie = ReadCie(data, ciePosition, reader.End, isEhFrame);
                var body = new DwarfReader(data, reader.Position, end);
                var pcBegin = isEhFrame ? body.Pointer(cie.PointerEncoding, sectionAddress - (ulong)sectionOffset) : body.U64();
                var pcRange = isEhFrame ? body.Pointer((byte)(cie.PointerEncoding & 0x0f), 0) : body.U64();
                if (cie.Augmentation.StartsWith('z'))
                    body.Skip((int)body.Uleb());
                if (pcBegin != 0 || !isEhFrame)
                    fdes.Add(new FrameDescription(pcBegin, pcBegin + pcRange, cie, new ArraySegment<byte>(data, body.Position, end - body.Position), start - sectionOffset));
            }
            reader.Position = end;
        }
        return fdes;
    }

    private static CommonInformation ReadCie(byte[] data, int position, int sectionEnd, bool isEhFrame)
    {
        if (position < 0 || position >= sectionEnd)
            throw new InvalidDataException("FDE points outside its section");
        var reader = new DwarfReader(data, position, sectionEnd);
        ulong length = reader.U32();
        var is64 = length == 0xffffffff;
        if (is64)
            length = reader.U64();
        if (length > (ulong)(sectionEnd - reader.Position))
            throw new InvalidDataException("truncated call frame information");
        reader = new DwarfReader(data, reader.Position, reader.Position + (int)length);
        _ = is64 ? reader.U64() : reader.U32();
        var version = reader.U8();
        var augmentation = reader.CString();
        if (version >= 4)
            reader.Skip(2); // address size, segment selector size
        var codeAlignment = reader.Uleb();
        var dataAlignment = reader.Sleb();
        var returnRegister = version == 1 ? reader.U8() : (int)reader.Uleb();
        byte encoding = isEhFrame ? (byte)0 : (byte)0x04; // absolute, and .debug_frame addresses are 8 bytes
        var signal = false;
        if (augmentation.StartsWith('z'))
        {
            var augmentationLength = (int)reader.Uleb();
            var augmentationEnd = reader.Position + augmentationLength;
            foreach (var c in augmentation.AsSpan(1))
            {
                switch (c)
                {
                    case 'R':
                        encoding = reader.U8();
                        break;
                    case 'L':
                        reader.U8();
                        break;
                    case 'P':
                        var personality = reader.U8();
                        reader.Pointer((byte)(personality & 0x0f), 0);
                        break;
                    case 'S':
                        signal = true;
                        break;
                }
            }
            reader.Position = augmentationEnd;
        }
        else if (augmentation.Length > 0 && augmentation != "eh")
            throw new InvalidDataException($"unknown CIE augmentation '{augmentation}'");
        return new CommonInformation(augmentation, codeAlignment, dataAlignment, returnRegister, encoding, signal,
            new ArraySegment<byte>(data, reader.Position, reader.End - reader.Position));
    }

    private static int Checked(byte[] data, ulong offset, int length) =>
        offset + (ulong)length <= (ulong)data.Length ? (int)offset : throw new InvalidDataException("truncated ELF file");

    private static string CString(byte[] data, int offset)
    {
        var end = Array.IndexOf(data, (byte)0, offset);
        return Encoding.ASCII.GetString(data, offset, (end < 0 ? data.Length : end) - offset);
    }

    private static ushort U16(byte[] data, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));
    private static uint U32(byte[] data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
    private static ulong U64(byte[] data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(offset));
}
