namespace SharpTrace.Semantics.CTypes;

/// <summary>A member as declared, before layout: <paramref name="BitfieldWidth"/> is null for an ordinary member.</summary>
internal sealed record CMemberDeclaration(string Name, CType Type, int? BitfieldWidth = null);

/// <summary>Lays out structs and unions as gcc does on x86-64 (System V ABI), bitfields included.</summary>
internal static class CLayout
{
    /// <summary>
    /// Offsets, size and alignment of a struct or union with <paramref name="members"/>; a packed one
    /// (<c>__attribute__((packed))</c>) aligns nothing and lets bitfields cross unit boundaries.
    /// </summary>
    public static CStructBody Lay(IReadOnlyList<CMemberDeclaration> members, bool isUnion, bool packed = false)
    {
        var laid = new List<CMember>(members.Count);
        long bit = 0;      // next free bit (struct), or largest member end (union)
        var alignment = 1;
        foreach (var member in members)
        {
            var type = member.Type;
            var typeAlignment = packed ? 1 : type.Alignment;
            var typeAlignBits = typeAlignment * 8;
            long offset;
            if (member.BitfieldWidth is not { } width)
            {
                offset = isUnion ? 0 : AlignUp(bit, typeAlignBits);
                bit = isUnion ? Math.Max(bit, type.Size * 8L) : offset + type.Size * 8L;
                alignment = Math.Max(alignment, typeAlignment);
            }
            else if (width == 0)
            {
                // An unnamed zero-width bitfield closes the current unit: the next field starts at the type's alignment.
                if (!isUnion)
                    bit = AlignUp(bit, typeAlignBits);
                continue;
            }
            else
            {
                // A bitfield must fit in one aligned unit of its declared type; if it would straddle, it starts the next unit.
                offset = isUnion ? 0 : bit;
                if (!isUnion && !packed && offset / typeAlignBits != (offset + width - 1) / typeAlignBits)
                    offset = AlignUp(offset, typeAlignBits);
                bit = isUnion ? Math.Max(bit, width) : offset + width;
                // Unnamed bitfields do not affect the alignment of the struct (System V ABI).
                if (member.Name.Length > 0)
                    alignment = Math.Max(alignment, typeAlignment);
            }
            laid.Add(new CMember(member.Name, type, checked((int)offset), member.BitfieldWidth ?? 0));
        }
        var size = AlignUp((bit + 7) / 8, alignment);
        return new CStructBody(laid, checked((int)size), alignment);
    }

    /// <summary>
    /// Alignment of a struct whose offsets and size come from elsewhere (BTF records no alignment): the largest
    /// member alignment, or 1 when a member or the size shows the type is packed.
    /// </summary>
    public static int InferAlignment(IReadOnlyList<CMember> members, int size)
    {
        var alignment = 1;
        foreach (var member in members)
        {
            var memberAlignment = member.Type.Alignment;
            if (!member.IsBitfield && member.BitOffset % (memberAlignment * 8) != 0)
                return 1;
            alignment = Math.Max(alignment, memberAlignment);
        }
        return size % alignment == 0 ? alignment : 1;
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;
}
