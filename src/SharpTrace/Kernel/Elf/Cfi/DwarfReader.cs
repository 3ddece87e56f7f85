using System.Buffers.Binary;
using SharpTrace.Kernel.Dwarf;

namespace SharpTrace.Kernel.Elf.Cfi;

/// <summary>
/// A cursor over little-endian DWARF bytes: fixed-size integers, LEB128 and the pointer encodings of
/// <c>.eh_frame</c> (<c>DW_EH_PE_*</c>). Reading past the end throws <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class DwarfReader(byte[] data, int position, int end)
{
    /// <summary>DW_EH_PE_omit: no value follows.</summary>
    public const byte PointerOmitted = 0xff;

    public int Position { get; set; } = position;

    public int End { get; } = end;

    public bool AtEnd => Position >= End;

    public byte U8() => data[Take(1)];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(Take(2)));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(Take(4)));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(Take(8)));

    // LEB128 as the .debug_info reader decodes it, over the same bytes and bounds.
    public ulong Uleb()
    {
        var cursor = Cursor();
        var value = cursor.Uleb();
        Position = cursor.Position;
        return value;
    }

    public long Sleb()
    {
        var cursor = Cursor();
        var value = cursor.Sleb();
        Position = cursor.Position;
        return value;
    }

    private DwarfCursor Cursor() => new(data.AsSpan(0, End), Position);

    /// <summary>A NUL-terminated ASCII string (a CIE's augmentation).</summary>
    public string CString()
    {
        var start = Position;
        while (U8() != 0)
        {
        }
        return System.Text.Encoding.ASCII.GetString(data, start, Position - start - 1);
    }

    /// <summary>
    /// A pointer in <paramref name="encoding"/>: its format in the low four bits, how it applies in the next three
    /// (pc-relative against <paramref name="sectionAddress"/> plus the position, or data-relative against
    /// <paramref name="dataAddress"/>). Indirect pointers are returned as the address that holds the pointer.
    /// </summary>
    public ulong Pointer(byte encoding, ulong sectionAddress, ulong dataAddress = 0)
    {
        var at = sectionAddress + (ulong)Position;
        ulong value = (encoding & 0x0f) switch
        {
            0x00 => U64(),
            0x01 => Uleb(),
            0x02 => U16(),
            0x03 => U32(),
            0x04 => U64(),
            0x09 => (ulong)Sleb(),
            0x0a => (ulong)(long)(short)U16(),
            0x0b => (ulong)(long)(int)U32(),
            0x0c => U64(),
            var format => throw new InvalidDataException($"unknown pointer format 0x{format:x}"),
        };
        return (encoding & 0x70) switch
        {
            0x00 => value,
            0x10 => value + at,
            0x30 => value + dataAddress,
            var application => throw new InvalidDataException($"unsupported pointer application 0x{application:x}"),
        };
    }

    /// <summary>Skips <paramref name="count"/> bytes.</summary>
    public void Skip(int count) => Take(count);

    private int Take(int count)
    {
        if (count < 0 || Position + count > End)
            throw new InvalidDataException("truncated call frame information");
        var at = Position;
        Position += count;
        return at;
    }
}
