using System.Buffers.Binary;
using SharpTrace.Output;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Semantics;

/// <summary>
/// The bytes of a C object (a struct, union or array copied out of memory) as the newest bpftrace prints them: a
/// record of its members, an array of its elements, char arrays as strings (with the <c>str_trunc_trailer</c> when
/// one fills its array, as any string value), enums by name, pointers in hex, bitfields as their bits (not
/// sign-extended, as bpftrace formats them).
/// </summary>
internal static class CValues
{
    public static RuntimeValue Decode(CType type, ReadOnlySpan<byte> bytes, string truncationTrailer)
    {
        if (bytes.Length < type.Size)
            return NoneValue.Instance;
        return type.Resolved switch
        {
            CIntegerType { Size: 1 or 2 or 4 or 8 } i => i.IsSigned
                ? new IntegerValue(ReadSigned(bytes, i.Size))
                : new IntegerValue(unchecked((long)ReadUnsigned(bytes, i.Size)), IsSigned: false),
            CBoolType { IsScriptBool: true } => new BooleanValue(bytes[0] != 0),
            CBoolType => new IntegerValue(bytes[0], IsSigned: false),
            CEnumType { Size: 1 or 2 or 4 or 8 } e => Enum(e, ReadUnsigned(bytes, e.Size)),
            CPointerType => SymbolicValue.Address(ReadUnsigned(bytes, 8)),
            CArrayType { IsText: true } a => new StringValue(String(bytes[..a.Count], truncationTrailer)),
            CArrayType a => Array(a, bytes, truncationTrailer),
            CStructType s => Record(s, bytes, 0, truncationTrailer),
            _ => NoneValue.Instance,
        };
    }

    private static ArrayValue Array(CArrayType type, ReadOnlySpan<byte> bytes, string truncationTrailer)
    {
        var elements = new List<RuntimeValue>(type.Count);
        for (var i = 0; i < type.Count; i++)
            elements.Add(Decode(type.Element, bytes.Slice(i * type.Element.Size, type.Element.Size), truncationTrailer));
        return new ArrayValue(elements);
    }

    private static RecordValue Record(CStructType type, ReadOnlySpan<byte> bytes, int bitBase, string truncationTrailer)
    {
        var fields = new List<RecordMember>();
        AddMembers(fields, type, bytes, bitBase, truncationTrailer);
        return new RecordValue(fields);
    }

    // An anonymous struct or union member's own members are the record's, as they are reachable by name.
    private static void AddMembers(List<RecordMember> fields, CStructType type, ReadOnlySpan<byte> bytes, int bitBase, string truncationTrailer)
    {
        foreach (var member in type.Members)
        {
            var bit = bitBase + member.BitOffset;
            if (member.IsAnonymous && member.Type.Resolved is CStructType inner)
                AddMembers(fields, inner, bytes, bit, truncationTrailer);
            else if (member.IsBitfield)
                fields.Add(new RecordMember(member.Name, Bitfield(member, bytes, bit)));
            else
                fields.Add(new RecordMember(member.Name, Decode(member.Type, bytes[(bit / 8)..], truncationTrailer)));
        }
    }

    private static RuntimeValue Bitfield(CMember member, ReadOnlySpan<byte> bytes, int bit)
    {
        Span<byte> word = stackalloc byte[8];
        var start = bit / 8;
        var available = Math.Min(8, bytes.Length - start);
        bytes.Slice(start, available).CopyTo(word);
        var bits = BinaryPrimitives.ReadUInt64LittleEndian(word) >> (bit % 8);
        if (member.BitfieldSize < 64)
            bits &= (1UL << member.BitfieldSize) - 1;
        return member.Type.Resolved is CEnumType e ? Enum(e, bits) : new IntegerValue(unchecked((long)bits), IsSigned: false);
    }

    private static SymbolicValue Enum(CEnumType type, ulong value) => Enumerator(type, value);

    /// <summary>
    /// A value of an enum by its enumerator's name, as the newest bpftrace prints it (text and printf's <c>%s</c>; JSON
    /// takes the number): a value no enumerator has prints as its number, unsigned in the enum's width. The value may
    /// be held wider than the enum (a variable's 8 bytes, sign-extended for a signed enum).
    /// </summary>
    internal static SymbolicValue Enumerator(CEnumType type, ulong value)
    {
        var mask = type.Size >= 8 ? ulong.MaxValue : (1UL << (type.Size * 8)) - 1;
        var high = value & ~mask;
        // Only a value the enum's width holds (zero- or sign-extended) can be one of its enumerators.
        var fits = high == 0 || (high == ~mask && (value & ~(mask >> 1)) == ~(mask >> 1));
        if (fits)
            value &= mask;
        foreach (var named in type.Values)
        {
            if (fits && ((ulong)named.Value & mask) == value)
                return SymbolicValue.Enumerator(named.Name, value);
        }
        return SymbolicValue.Enumerator(value.ToString(System.Globalization.CultureInfo.InvariantCulture), value);
    }

    /// <summary>
    /// The text of a string value held in <paramref name="bytes"/>, its whole buffer: the bytes up to the first NUL,
    /// kept byte for byte (<see cref="RawText"/>), with <paramref name="truncationTrailer"/> after them when no NUL
    /// ends them inside the buffer, as the newest reference prints one (types_format.cpp): it reads one byte more than
    /// a string keeps, so a string that still fills every byte was longer than its buffer (an empty buffer holds
    /// nothing, so it is never marked).
    /// </summary>
    internal static string String(ReadOnlySpan<byte> bytes, string truncationTrailer)
    {
        var end = bytes.IndexOf((byte)0);
        return end < 0 ? RawText.Decode(bytes) + (bytes.IsEmpty ? "" : truncationTrailer) : RawText.Decode(bytes[..end]);
    }

    /// <summary>A little-endian signed integer of 1, 2, 4 or 8 bytes.</summary>
    internal static long ReadSigned(ReadOnlySpan<byte> bytes, int size) => size switch
    {
        1 => (sbyte)bytes[0],
        2 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadInt64LittleEndian(bytes),
    };

    /// <summary>A little-endian unsigned integer of 1, 2, 4 or 8 bytes.</summary>
    internal static ulong ReadUnsigned(ReadOnlySpan<byte> bytes, int size) => size switch
    {
        1 => bytes[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };
}

/// <summary>
/// A pointer as <c>print()</c> sends it: the 8-byte address, printed in hex in text and as the number in JSON, as the
/// newest bpftrace prints a pointer value.
/// </summary>
internal sealed record PrintedPointerType(PointerType Pointer) : SelfDecodingType
{
    public override int Size => 8;
    public override string ToString() => Pointer.ToString();
    public override RuntimeValue Decode(ReadOnlySpan<byte> bytes) => SymbolicValue.Address(BinaryPrimitives.ReadUInt64LittleEndian(bytes));
}
