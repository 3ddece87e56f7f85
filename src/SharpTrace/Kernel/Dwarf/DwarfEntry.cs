namespace SharpTrace.Kernel.Dwarf;

/// <summary>How a DWARF attribute's value is to be read.</summary>
internal enum DwarfValueKind
{
    /// <summary>An unsigned constant (data1..8, udata), or a flag (0 or 1).</summary>
    Constant,
    /// <summary>A signed constant (sdata, implicit_const); <see cref="DwarfValue.Number"/> holds its two's complement.</summary>
    Signed,
    /// <summary>A target address (addr).</summary>
    Address,
    /// <summary>An index into .debug_addr (addrx).</summary>
    AddressIndex,
    /// <summary>A DIE of this file, as an offset into .debug_info (refN, ref_addr).</summary>
    Reference,
    /// <summary>A string, already read (<see cref="DwarfValue.Text"/>).</summary>
    String,
    /// <summary>An index into .debug_str_offsets (strx).</summary>
    StringIndex,
    /// <summary>An offset into another section (sec_offset: line table, ranges, location lists).</summary>
    SectionOffset,
    /// <summary>An index into the offsets of a range or location list table (rnglistx, loclistx).</summary>
    ListIndex,
    /// <summary>A block or expression, or anything this reader does not interpret (another file's DIE, a type signature).</summary>
    Other,
}

/// <summary>An attribute value; <see cref="Text"/> is set for <see cref="DwarfValueKind.String"/>.</summary>
internal readonly record struct DwarfValue(DwarfValueKind Kind, ulong Number, string? Text = null);

/// <summary>A compilation unit: its header and the values its DIEs' indexed forms are relative to.</summary>
internal sealed class DwarfUnit(int offset, int version, int addressSize, int offsetSize)
{
    /// <summary>The unit header's offset in .debug_info (for a split unit, in the offset space after the file's own).</summary>
    public int Offset { get; } = offset;
    public int Version { get; } = version;
    public int AddressSize { get; } = addressSize;
    public int OffsetSize { get; } = offsetSize;

    /// <summary>DW_AT_str_offsets_base of the unit's root DIE (DWARF 5), or the first entry's offset by default.</summary>
    public ulong StrOffsetsBase { get; set; }

    /// <summary>DW_AT_addr_base of the unit's root DIE (DWARF 5), or DW_AT_GNU_addr_base (split DWARF 4).</summary>
    public ulong AddrBase { get; set; }

    /// <summary>DW_AT_rnglists_base of the unit's root DIE (DWARF 5), for its rnglistx values.</summary>
    public ulong RnglistsBase { get; set; }

    /// <summary>DW_AT_GNU_ranges_base of a skeleton unit (split DWARF 4): where its split unit's range lists start in .debug_ranges.</summary>
    public ulong RangesBase { get; set; }

    /// <summary>
    /// For a split unit, the skeleton unit of the binary that stands for it (same DWO id): its DW_AT_addr_base,
    /// ranges base, low_pc and line table serve the split unit, whose own DIEs do not have them.
    /// </summary>
    public DwarfUnit? Skeleton { get; set; }

    /// <summary>The unit's root DIE (DW_TAG_compile_unit or partial_unit).</summary>
    public DwarfEntry? Root { get; set; }

    /// <summary>The unit type (DW_UT_*; 1, a compilation unit, before DWARF 5).</summary>
    public int Type { get; init; } = 1;

    /// <summary>Where the unit's DIEs and strings were read from.</summary>
    public DwarfUnitSource? Source { get; init; }

    /// <summary>A split unit, read from a <c>.dwo</c> file or a <c>.dwp</c> package.</summary>
    public bool IsSplit => Source?.IsSplit == true;

    /// <summary>The DWO id of a skeleton or split unit (from its DWARF 5 header, or DW_AT_GNU_dwo_id), or null.</summary>
    public ulong? DwoId { get; set; }
}

/// <summary>A debugging information entry: its tag, attributes and children.</summary>
internal sealed class DwarfEntry(int offset, int tag, DwarfUnit unit, DwarfEntry? parent)
{
    private static readonly List<DwarfEntry> NoChildren = [];
    private List<DwarfEntry>? _children;

    /// <summary>The DIE's offset in .debug_info (what references point to).</summary>
    public int Offset { get; } = offset;
    public int Tag { get; } = tag;
    public DwarfUnit Unit { get; } = unit;
    public DwarfEntry? Parent { get; } = parent;
    public IReadOnlyList<DwarfEntry> Children => _children ?? NoChildren;
    internal (int Attribute, DwarfValue Value)[] Attributes { get; set; } = [];

    /// <summary>The value of <paramref name="attribute"/> on this DIE itself, or null.</summary>
    public DwarfValue? Get(int attribute)
    {
        foreach (var (name, value) in Attributes)
            if (name == attribute)
                return value;
        return null;
    }

    public bool Has(int attribute) => Get(attribute) is not null;

    internal void AddChild(DwarfEntry child) => (_children ??= []).Add(child);

    public override string ToString() => $"<0x{Offset:x}> tag 0x{Tag:x}";
}
