using System.Buffers.Binary;
using System.Text;

namespace SharpTrace.Kernel.Btf;

/// <summary>
/// A raw BTF blob (linux/btf.h: struct btf_header, type section, string section), read without copying: opening it
/// walks the type section once to find where each type id's record starts; everything else is decoded on request.
/// </summary>
internal sealed class BtfFile
{
    /// <summary>Where the running kernel publishes its own types.</summary>
    public const string VmlinuxPath = "/sys/kernel/btf/vmlinux";

    private readonly byte[] _data;
    private readonly int _typeStart;
    private readonly int _stringStart;
    private readonly int _stringLength;
    // Byte offset of each type's record in _data, by type id; [0] is void and unused.
    private readonly int[] _recordOffsets;

    private BtfFile(byte[] data)
    {
        _data = data;
        var span = data.AsSpan();
        if (span.Length < BtfFormat.HeaderLength || BinaryPrimitives.ReadUInt16LittleEndian(span) != BtfFormat.Magic)
            throw new InvalidDataException("not a BTF blob (bad magic)");
        if (span[2] != BtfFormat.Version)
            throw new InvalidDataException($"unsupported BTF version {span[2]}");
        var headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        var typeOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        var typeLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[12..]);
        var stringOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
        _stringLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        _typeStart = headerLength + typeOffset;
        _stringStart = headerLength + stringOffset;
        if (_typeStart + typeLength > data.Length || _stringStart + _stringLength > data.Length)
            throw new InvalidDataException("BTF sections extend past the end of the blob");
        _recordOffsets = IndexRecords(span.Slice(_typeStart, typeLength), _typeStart);
    }

    /// <summary>Reads the BTF at <paramref name="path"/> (by default the running kernel's).</summary>
    public static BtfFile Load(string path = VmlinuxPath) => new(File.ReadAllBytes(path));

    /// <summary>Reads a BTF blob already in memory; the array is kept, not copied.</summary>
    public static BtfFile Parse(byte[] data) => new(data);

    /// <summary>The highest type id; ids run from 1 to this (0 is void).</summary>
    public int TypeCount => _recordOffsets.Length - 1;

    /// <summary>Bytes of the blob.</summary>
    public int Length => _data.Length;

    /// <summary>The record of type <paramref name="id"/> (1..<see cref="TypeCount"/>).</summary>
    public BtfType this[int id]
    {
        get
        {
            if (id <= 0 || id > TypeCount)
                throw new ArgumentOutOfRangeException(nameof(id), id, $"no BTF type with this id (1..{TypeCount})");
            return new BtfType(this, id, _recordOffsets[id]);
        }
    }

    /// <summary>The string at <paramref name="offset"/> in the string section ("" for 0).</summary>
    public string GetString(int offset) => Encoding.UTF8.GetString(GetStringBytes(offset));

    /// <summary>The bytes of the string at <paramref name="offset"/>, without its NUL.</summary>
    public ReadOnlySpan<byte> GetStringBytes(int offset)
    {
        if ((uint)offset >= (uint)_stringLength)
            throw new InvalidDataException($"BTF string offset {offset} is outside the string section");
        var rest = _data.AsSpan(_stringStart + offset, _stringLength - offset);
        var end = rest.IndexOf((byte)0);
        return end < 0 ? rest : rest[..end];
    }

    /// <summary>
    /// The byte offset of member <paramref name="memberName"/> in the first struct named <paramref name="structName"/>
    /// of the BTF blob <paramref name="blob"/>, found in one pass without indexing it (null when there is none, or
    /// the member is a bitfield): for one lookup in the kernel's BTF, mapped rather than read.
    /// </summary>
    public static int? FindMemberOffset(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> structName, ReadOnlySpan<byte> memberName)
    {
        if (blob.Length < BtfFormat.HeaderLength || BinaryPrimitives.ReadUInt16LittleEndian(blob) != BtfFormat.Magic)
            throw new InvalidDataException("not a BTF blob (bad magic)");
        var headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(blob[4..]);
        var typeStart = headerLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(blob[8..]);
        var typeLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(blob[12..]);
        var stringStart = headerLength + (int)BinaryPrimitives.ReadUInt32LittleEndian(blob[16..]);
        var stringLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(blob[20..]);
        if (typeStart < 0 || stringStart < 0 || typeStart + typeLength > blob.Length || stringStart + stringLength > blob.Length)
            throw new InvalidDataException("BTF sections extend past the end of the blob");
        var types = blob.Slice(typeStart, typeLength);
        var strings = blob.Slice(stringStart, stringLength);
        for (var position = 0; position < types.Length; position += RecordLength(types, position))
        {
            var info = BinaryPrimitives.ReadUInt32LittleEndian(types[(position + 4)..]);
            if ((BtfKind)(info >> 24 & 0x1f) != BtfKind.Struct || !NameIs(strings, BinaryPrimitives.ReadUInt32LittleEndian(types[position..]), structName))
                continue;
            var bitfields = (info >> 31) != 0;
            for (var i = 0; i < (int)(info & 0xffff); i++)
            {
                var member = types[(position + 12 + 12 * i)..];
                if (!NameIs(strings, BinaryPrimitives.ReadUInt32LittleEndian(member), memberName))
                    continue;
                var offset = BinaryPrimitives.ReadUInt32LittleEndian(member[8..]);
                if (bitfields && (offset >> 24) != 0)
                    return null;
                var bits = bitfields ? offset & 0xffffff : offset;
                return bits % 8 == 0 ? (int)(bits / 8) : null;
            }
            return null;
        }
        return null;
    }

    private static bool NameIs(ReadOnlySpan<byte> strings, uint offset, ReadOnlySpan<byte> name) =>
        offset + (uint)name.Length < (uint)strings.Length && strings.Slice((int)offset, name.Length).SequenceEqual(name) && strings[(int)offset + name.Length] == 0;

    internal uint Word(int byteOffset) => BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(byteOffset));

    private static int[] IndexRecords(ReadOnlySpan<byte> types, int baseOffset)
    {
        // A first pass counts records so the offsets array is allocated once at its final size.
        var count = 0;
        for (var position = 0; position < types.Length; count++)
            position += RecordLength(types, position);
        var offsets = new int[count + 1];
        var id = 1;
        for (var position = 0; position < types.Length; id++)
        {
            offsets[id] = baseOffset + position;
            position += RecordLength(types, position);
        }
        return offsets;
    }

    private static int RecordLength(ReadOnlySpan<byte> types, int position)
    {
        if (position + 12 > types.Length)
            throw new InvalidDataException("truncated BTF type record");
        var info = BinaryPrimitives.ReadUInt32LittleEndian(types[(position + 4)..]);
        var length = 12 + BtfFormat.ExtraLength((BtfKind)(info >> 24 & 0x1f), (int)(info & 0xffff));
        if (position + length > types.Length)
            throw new InvalidDataException("truncated BTF type record");
        return length;
    }
}

/// <summary>
/// One type record of a <see cref="BtfFile"/>: the common part (name, kind, vlen, kind_flag, size or type) and
/// accessors for each kind's trailing data.
/// </summary>
internal readonly struct BtfType
{
    private readonly BtfFile _file;
    private readonly int _offset;

    internal BtfType(BtfFile file, int id, int offset)
    {
        _file = file;
        Id = id;
        _offset = offset;
    }

    public int Id { get; }
    public int NameOffset => (int)_file.Word(_offset);
    public string Name => _file.GetString(NameOffset);
    private uint Info => _file.Word(_offset + 4);
    public BtfKind Kind => (BtfKind)(Info >> 24 & 0x1f);
    /// <summary>Number of members, enumerators, parameters or section entries.</summary>
    public int Vlen => (int)(Info & 0xffff);
    /// <summary>kind_flag: bitfield offsets in struct members, signedness of enums, union for FWD.</summary>
    public bool KindFlag => (Info >> 31) != 0;
    /// <summary>Byte size, for INT, ENUM, ENUM64, STRUCT, UNION, DATASEC and FLOAT.</summary>
    public int Size => (int)_file.Word(_offset + 8);
    /// <summary>The referenced type id, for PTR, TYPEDEF, qualifiers, FUNC, VAR, DECL_TAG, TYPE_TAG; the return type for FUNC_PROTO.</summary>
    public int TypeId => (int)_file.Word(_offset + 8);

    private uint Extra(int index) => _file.Word(_offset + 12 + 4 * index);

    /// <summary>INT: the BTF_INT_* encoding bits (signed, char, bool).</summary>
    public int IntEncoding => (int)(Extra(0) >> 24 & 0x0f);
    /// <summary>INT: bit offset of the value inside its storage.</summary>
    public int IntBitOffset => (int)(Extra(0) >> 16 & 0xff);
    /// <summary>INT: number of value bits.</summary>
    public int IntBits => (int)(Extra(0) & 0xff);

    /// <summary>ARRAY: element type, index type and element count.</summary>
    public (int ElementTypeId, int IndexTypeId, int Count) Array => ((int)Extra(0), (int)Extra(1), (int)Extra(2));

    /// <summary>STRUCT/UNION member <paramref name="index"/>: name offset, type, bit offset, bitfield size (0 if none).</summary>
    public BtfMember Member(int index)
    {
        var offset = Extra(3 * index + 2);
        return KindFlag
            ? new BtfMember(_file, (int)Extra(3 * index), (int)Extra(3 * index + 1), (int)(offset & 0xffffff), (int)(offset >> 24))
            : new BtfMember(_file, (int)Extra(3 * index), (int)Extra(3 * index + 1), (int)offset, 0);
    }

    /// <summary>ENUM or ENUM64 enumerator <paramref name="index"/>: name and value (sign-extended when the enum is signed).</summary>
    public (string Name, long Value) Enumerator(int index)
    {
        if (Kind == BtfKind.Enum64)
            return (_file.GetString((int)Extra(3 * index)), (long)((ulong)Extra(3 * index + 2) << 32 | Extra(3 * index + 1)));
        var raw = Extra(2 * index + 1);
        return (_file.GetString((int)Extra(2 * index)), KindFlag ? (int)raw : raw);
    }

    /// <summary>ENUM or ENUM64 enumerator name offset, without decoding the string.</summary>
    public int EnumeratorNameOffset(int index) => (int)Extra(Kind == BtfKind.Enum64 ? 3 * index : 2 * index);

    /// <summary>FUNC_PROTO parameter <paramref name="index"/>: name ("" if unnamed) and type; type 0 on the last one means "...".</summary>
    public (string Name, int TypeId) Parameter(int index) => (_file.GetString((int)Extra(2 * index)), (int)Extra(2 * index + 1));

    /// <summary>FUNC: linkage (static, global, extern); VAR: linkage.</summary>
    public int Linkage => Kind == BtfKind.Func ? Vlen : (int)Extra(0);

    /// <summary>DATASEC entry <paramref name="index"/>: the VAR's type id, its offset and size in the section.</summary>
    public (int TypeId, int Offset, int Size) SectionEntry(int index) => ((int)Extra(3 * index), (int)Extra(3 * index + 1), (int)Extra(3 * index + 2));

    /// <summary>DECL_TAG: the member or parameter index the tag applies to, -1 for the declaration itself.</summary>
    public int ComponentIndex => (int)Extra(0);

    public override string ToString() => $"[{Id}] {Kind} '{Name}'";
}

/// <summary>A member of a BTF STRUCT or UNION.</summary>
internal readonly record struct BtfMember(BtfFile File, int NameOffset, int TypeId, int BitOffset, int BitfieldSize)
{
    public string Name => File.GetString(NameOffset);
}
