using System.Buffers.Binary;
using System.Text;

namespace SharpTrace.Kernel.Dwarf;

/// <summary>A little-endian reader over a DWARF section: fixed-size integers, LEB128, C strings; bounds-checked.</summary>
internal ref struct DwarfCursor(ReadOnlySpan<byte> data, int position = 0)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; set; } = position;
    public readonly int Length => _data.Length;
    public readonly bool AtEnd => Position >= _data.Length;

    public byte U8() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint U24()
    {
        var bytes = Take(3);
        return bytes[0] | (uint)bytes[1] << 8 | (uint)bytes[2] << 16;
    }
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>An unsigned integer of <paramref name="size"/> bytes (1, 2, 4 or 8).</summary>
    public ulong Sized(int size) => size switch
    {
        1 => U8(),
        2 => U16(),
        4 => U32(),
        8 => U64(),
        _ => throw new InvalidDataException($"DWARF: unsupported integer size {size}"),
    };

    public ulong Uleb()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = U8();
            if (shift < 64)
                value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
    }

    public long Sleb()
    {
        long value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = U8();
            if (shift < 64)
                value |= (long)(b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0)
            value |= -1L << shift;
        return value;
    }

    /// <summary>A NUL-terminated UTF-8 string.</summary>
    public string CString()
    {
        var rest = _data[Position..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
            throw new InvalidDataException("DWARF: unterminated string");
        Position += end + 1;
        return Encoding.UTF8.GetString(rest[..end]);
    }

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || Position + count > _data.Length)
            throw new InvalidDataException("DWARF: truncated section");
        var span = _data.Slice(Position, count);
        Position += count;
        return span;
    }

    public void Skip(ulong count) => Take(checked((int)count));

    /// <summary>The NUL-terminated string at <paramref name="offset"/> of <paramref name="section"/>.</summary>
    public static string StringAt(ReadOnlySpan<byte> section, ulong offset)
    {
        if (offset >= (ulong)section.Length)
            throw new InvalidDataException("DWARF: string offset outside its section");
        var rest = section[(int)offset..];
        var end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }
}
