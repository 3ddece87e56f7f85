using SharpTrace.Kernel.Elf;

namespace SharpTrace.Kernel.Dwarf;

/// <summary>
/// The debugging information entries of an ELF file's <c>.debug_info</c> (DWARF 2 to 5, 32- and 64-bit units),
/// with their abbreviations from <c>.debug_abbrev</c> and strings from <c>.debug_str</c>, <c>.debug_line_str</c>
/// and <c>.debug_str_offsets</c>. Every unit is read at once into a tree of <see cref="DwarfEntry"/>; references
/// are offsets into the section, looked up with <see cref="EntryAt"/>. Split DWARF (<c>-gsplit-dwarf</c>): the
/// units a skeleton unit stands for are read from its <c>.dwo</c> file or the binary's <c>.dwp</c> package
/// (<see cref="DwarfSplitFiles"/>) into the same tree, their offsets placed after the file's own, so references
/// and lookups work alike; the line tables stay the skeletons'.
/// </summary>
internal sealed class DwarfInfo
{
    private const int UnitSkeleton = 4; // DW_UT_skeleton
    private const int UnitSplitCompile = 5; // DW_UT_split_compile
    private const int UnitType = 2; // DW_UT_type
    private const int UnitSplitType = 6; // DW_UT_split_type

    private const int AttributeDwoName = 0x76; // DW_AT_dwo_name
    private const int AttributeGnuDwoName = 0x2130, AttributeGnuDwoId = 0x2131;

    private readonly ElfSections _sections;
    private readonly Dictionary<int, DwarfEntry> _entries = [];
    private readonly List<DwarfUnit> _units = [];
    private Dictionary<string, DwarfEntry>? _functions;
    // Where the next split file's units start in the one offset space of references.
    private int _nextBase;

    private DwarfInfo(ElfSections sections) => _sections = sections;

    /// <summary>The file the entries were read from (the binary, or its separate debug file).</summary>
    public string Path => _sections.Path;

    /// <summary>The sections of that file (for the line table).</summary>
    public ElfSections Sections => _sections;

    /// <summary>The compilation units, in section order.</summary>
    public IReadOnlyList<DwarfUnit> Units => _units;

    /// <summary>Reads the DWARF of <paramref name="sections"/>; null when the file has no <c>.debug_info</c>.</summary>
    public static DwarfInfo? Read(ElfSections sections)
    {
        if (!sections.HasBytes(".debug_info") || !sections.HasBytes(".debug_abbrev"))
            return null;
        var info = new DwarfInfo(sections);
        info.ReadUnits(new DwarfUnitSource(sections, isSplit: false), 0);
        return info;
    }

    /// <summary>
    /// Reads the split units the skeleton units of this file stand for: from the package beside
    /// <paramref name="binaryPath"/> (<c>BINARY.dwp</c>) when there is one, else from each skeleton's <c>.dwo</c>
    /// file. A missing file leaves its skeleton as it is (line tables and addresses only).
    /// </summary>
    public void ReadSplitUnits(string binaryPath)
    {
        var skeletons = _units.Where(IsSkeleton).ToList();
        if (skeletons.Count == 0)
            return;
        if (DwarfSplitFiles.OpenPackage(binaryPath) is { } package)
        {
            ReadSplit(package);
            return;
        }
        foreach (var skeleton in skeletons)
        {
            var root = skeleton.Root!;
            if (Text(Integrated(root, AttributeDwoName) ?? Integrated(root, AttributeGnuDwoName)) is not { Length: > 0 } dwoName)
                continue;
            var compilationDirectory = Text(Integrated(root, DwarfAttribute.CompDir));
            if (DwarfSplitFiles.OpenObject(dwoName, compilationDirectory, binaryPath) is { } dwo)
                ReadSplit(dwo, skeleton);
        }
    }

    private static bool IsSkeleton(DwarfUnit unit) =>
        !unit.IsSplit && (unit.Type == UnitSkeleton || unit.Root is { } root && (root.Has(AttributeDwoName) || root.Has(AttributeGnuDwoName)));

    private void ReadSplit(DwarfUnitSource source, DwarfUnit? skeleton = null)
    {
        try
        {
            _nextBase = Math.Max(_nextBase, checked(_sections.Bytes(".debug_info").Length + 16));
            var start = _nextBase;
            _nextBase = checked(start + source.Bytes(".debug_info").Length + 16);
            var first = _units.Count;
            ReadUnits(source, start);
            foreach (var unit in _units.Skip(first))
                unit.Skeleton = _units.FirstOrDefault(s => !s.IsSplit && s.DwoId is not null && s.DwoId == unit.DwoId) ?? skeleton;
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException)
        {
            // A damaged split file hides its own units only.
        }
    }

    /// <summary>
    /// The DWARF of the binary at <paramref name="path"/>: its own, or that of its separate debug file when it has
    /// none (found by <paramref name="locator"/>); null when neither has any or the file cannot be read.
    /// </summary>
    public static DwarfInfo? ForBinary(string path, DebugFileLocator locator)
    {
        try
        {
            var sections = ElfSections.Read(path);
            var info = Read(sections) ?? (locator.Open(path, sections) is { } debugFile ? Read(debugFile) : null);
            info?.ReadSplitUnits(path);
            return info;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>The DIE at <paramref name="offset"/> of .debug_info, or null.</summary>
    public DwarfEntry? EntryAt(ulong offset) => offset <= int.MaxValue ? _entries.GetValueOrDefault((int)offset) : null;

    /// <summary>
    /// The defining DIE of the function called <paramref name="name"/> (DW_TAG_subprogram with code, the first in file
    /// order), or a declaration when no unit defines it; null when there is none. A C++ function is found by its
    /// linkage (mangled) name, which tells overloads apart, as well as by its plain name; functions inside namespaces
    /// count too.
    /// </summary>
    public DwarfEntry? FindFunction(string name)
    {
        if (_functions is null)
        {
            _functions = new Dictionary<string, DwarfEntry>(StringComparer.Ordinal);
            var declarations = new Dictionary<string, DwarfEntry>(StringComparer.Ordinal);
            foreach (var unit in _units)
                IndexFunctions(unit.Root?.Children ?? [], declarations, depth: 0);
            foreach (var (functionName, entry) in declarations)
                _functions.TryAdd(functionName, entry);
        }
        return _functions.GetValueOrDefault(name);
    }

    private void IndexFunctions(IReadOnlyList<DwarfEntry> entries, Dictionary<string, DwarfEntry> declarations, int depth)
    {
        foreach (var entry in entries)
        {
            if (entry.Tag == DwarfTag.Namespace && depth < 16)
            {
                IndexFunctions(entry.Children, declarations, depth + 1);
                continue;
            }
            if (entry.Tag != DwarfTag.Subprogram)
                continue;
            var index = entry.Has(DwarfAttribute.LowPc) || entry.Has(DwarfAttribute.AbstractOrigin) ? _functions! : declarations;
            if (Name(entry) is { Length: > 0 } functionName)
                index.TryAdd(functionName, entry);
            if (Text(Integrated(entry, DwarfAttribute.LinkageName) ?? Integrated(entry, DwarfAttribute.MipsLinkageName)) is { Length: > 0 } linkageName)
                index.TryAdd(linkageName, entry);
        }
    }

    /// <summary>
    /// DW_AT_name of <paramref name="entry"/>, looked up through DW_AT_abstract_origin and DW_AT_specification as
    /// libdw's integrate does; null when it has none.
    /// </summary>
    public string? Name(DwarfEntry entry) => Text(Integrated(entry, DwarfAttribute.Name));

    /// <summary>The DIE DW_AT_type of <paramref name="entry"/> refers to (integrated), or null (void).</summary>
    public DwarfEntry? TypeOf(DwarfEntry entry) =>
        Integrated(entry, DwarfAttribute.Type) is { Kind: DwarfValueKind.Reference } reference ? EntryAt(reference.Number) : null;

    /// <summary>
    /// The address an attribute of a DIE of <paramref name="unit"/> holds: an address, or an index into this file's
    /// <c>.debug_addr</c> from the unit's DW_AT_addr_base (a split unit's skeleton's); null for other values or an
    /// index past the table.
    /// </summary>
    public ulong? Address(DwarfUnit unit, DwarfValue value)
    {
        if (value.Kind == DwarfValueKind.Address)
            return value.Number;
        if (value.Kind != DwarfValueKind.AddressIndex)
            return null;
        var table = _sections.Bytes(".debug_addr").Span;
        var size = (ulong)unit.AddressSize;
        var addrBase = (unit.Skeleton ?? unit).AddrBase;
        if (value.Number >= (ulong)table.Length || addrBase >= (ulong)table.Length)
            return null;
        var at = addrBase + value.Number * size;
        if (at + size > (ulong)table.Length)
            return null;
        return new DwarfCursor(table, (int)at).Sized((int)size);
    }

    /// <summary>An unsigned constant attribute of <paramref name="entry"/> itself, or null.</summary>
    public static ulong? Constant(DwarfEntry entry, int attribute) =>
        entry.Get(attribute) is { Kind: DwarfValueKind.Constant or DwarfValueKind.Signed } value ? value.Number : null;

    /// <summary>A string attribute's text, or null.</summary>
    public string? Text(DwarfValue? value)
    {
        if (value is not { } v)
            return null;
        return v.Kind switch
        {
            DwarfValueKind.String => v.Text,
            DwarfValueKind.StringIndex => IndexedString(v.Number, _units.Count > 0 ? _units[0] : null),
            _ => null,
        };
    }

    /// <summary>The value of <paramref name="attribute"/> on <paramref name="entry"/> or, failing that, on the DIEs its abstract origin or specification names.</summary>
    public DwarfValue? Integrated(DwarfEntry entry, int attribute)
    {
        var current = entry;
        for (var hops = 0; current is not null && hops < 8; hops++)
        {
            if (current.Get(attribute) is { } value)
                return value.Kind == DwarfValueKind.StringIndex ? new DwarfValue(DwarfValueKind.String, 0, IndexedString(value.Number, current.Unit)) : value;
            var next = current.Get(DwarfAttribute.AbstractOrigin) ?? current.Get(DwarfAttribute.Specification);
            current = next is { Kind: DwarfValueKind.Reference } reference ? EntryAt(reference.Number) : null;
        }
        return null;
    }

    private string? IndexedString(ulong index, DwarfUnit? unit)
    {
        var source = unit?.Source;
        var offsets = source is null ? _sections.Bytes(".debug_str_offsets").Span : source.Bytes(".debug_str_offsets");
        var size = unit?.OffsetSize ?? 4;
        var at = (unit?.StrOffsetsBase ?? 8) + index * (ulong)size;
        if (at + (ulong)size > (ulong)offsets.Length)
            return null;
        var cursor = new DwarfCursor(offsets, (int)at);
        return DwarfCursor.StringAt(source is null ? _sections.Bytes(".debug_str").Span : source.Bytes(".debug_str"), cursor.Sized(size));
    }

    // The units of SOURCE's .debug_info, their offsets moved by BASE (0 for the file's own).
    private void ReadUnits(DwarfUnitSource source, int baseOffset)
    {
        var info = source.Bytes(".debug_info");
        var abbreviations = new Dictionary<ulong, Dictionary<ulong, DwarfAbbreviation>>();
        var cursor = new DwarfCursor(info);
        while (cursor.Position + 11 <= cursor.Length)
        {
            var unitOffset = cursor.Position;
            ulong length = cursor.U32();
            var offsetSize = 4;
            if (length == 0xffffffff)
            {
                length = cursor.U64();
                offsetSize = 8;
            }
            else if (length >= 0xfffffff0)
                throw new InvalidDataException($"DWARF: unit at 0x{unitOffset:x} has a reserved length");
            var end = checked(cursor.Position + (int)length);
            if (end > cursor.Length)
                throw new InvalidDataException($"DWARF: unit at 0x{unitOffset:x} runs past .debug_info");
            int version = cursor.U16();
            int unitType = 1;
            int addressSize;
            ulong abbrevOffset;
            ulong? dwoId = null;
            if (version >= 5)
            {
                unitType = cursor.U8();
                addressSize = cursor.U8();
                abbrevOffset = cursor.Sized(offsetSize);
                if (unitType is UnitSkeleton or UnitSplitCompile)
                    dwoId = cursor.U64();
                else if (unitType is UnitType or UnitSplitType)
                {
                    cursor.U64();
                    cursor.Sized(offsetSize);
                }
            }
            else if (version >= 2)
            {
                abbrevOffset = cursor.Sized(offsetSize);
                addressSize = cursor.U8();
            }
            else
                throw new InvalidDataException($"DWARF: unit at 0x{unitOffset:x} has version {version}");
            // In a package, the unit's abbreviations and string offsets start at its contributions.
            var contributions = source.ContributionsAt(unitOffset);
            abbrevOffset += contributions.Abbrev;
            if (!abbreviations.TryGetValue(abbrevOffset, out var table))
                abbreviations[abbrevOffset] = table = DwarfAbbreviation.ReadTable(source.Bytes(".debug_abbrev"), abbrevOffset);
            var unit = new DwarfUnit(checked(baseOffset + unitOffset), version, addressSize, offsetSize)
            {
                Type = unitType, Source = source, DwoId = dwoId,
                // A split unit has no DW_AT_str_offsets_base: its table starts after the DWARF 5 header (8 bytes).
                StrOffsetsBase = source.IsSplit ? contributions.StrOffsets + (version >= 5 ? 8UL : 0) : 0,
                // Nor DW_AT_rnglists_base: its offsets follow the header of its .debug_rnglists.dwo contribution.
                RnglistsBase = source.IsSplit && version >= 5 ? contributions.Rnglists + (offsetSize == 8 ? 20UL : 12UL) : 0,
            };
            _units.Add(unit);
            ReadEntries(ref cursor, end, unit, table, baseOffset);
            cursor.Position = end;
        }
    }

    private void ReadEntries(ref DwarfCursor cursor, int end, DwarfUnit unit, Dictionary<ulong, DwarfAbbreviation> table, int baseOffset)
    {
        DwarfEntry? parent = null;
        var strings = unit.Source!.Bytes(".debug_str");
        var lineStrings = unit.Source.Bytes(".debug_line_str");
        while (cursor.Position < end)
        {
            var offset = checked(baseOffset + cursor.Position);
            var code = cursor.Uleb();
            if (code == 0)
            {
                // The end of a sibling chain: back to the parent's level.
                parent = parent?.Parent;
                continue;
            }
            if (!table.TryGetValue(code, out var abbreviation))
                throw new InvalidDataException($"DWARF: unknown abbreviation {code} at 0x{offset:x}");
            var entry = new DwarfEntry(offset, abbreviation.Tag, unit, parent);
            var attributes = new (int, DwarfValue)[abbreviation.Attributes.Length];
            for (var i = 0; i < attributes.Length; i++)
            {
                var (attribute, form, implicitConstant) = abbreviation.Attributes[i];
                attributes[i] = (attribute, ReadValue(ref cursor, form, implicitConstant, unit, strings, lineStrings));
            }
            entry.Attributes = attributes;
            _entries[offset] = entry;
            if (parent is null)
            {
                unit.Root ??= entry;
                if (entry.Get(DwarfAttribute.StrOffsetsBase) is { } strBase)
                    unit.StrOffsetsBase = strBase.Number;
                if (unit.DwoId is null && entry.Get(AttributeGnuDwoId) is { Kind: DwarfValueKind.Constant } gnuDwoId)
                    unit.DwoId = gnuDwoId.Number;
                if ((entry.Get(DwarfAttribute.AddrBase) ?? entry.Get(DwarfAttribute.GnuAddrBase)) is { } addrBase)
                    unit.AddrBase = addrBase.Number;
                if (entry.Get(DwarfAttribute.RnglistsBase) is { } rnglistsBase)
                    unit.RnglistsBase = rnglistsBase.Number;
                if (entry.Get(DwarfAttribute.GnuRangesBase) is { } rangesBase)
                    unit.RangesBase = rangesBase.Number;
            }
            else
                parent.AddChild(entry);
            if (abbreviation.HasChildren)
                parent = entry;
        }
    }

    private static DwarfValue ReadValue(ref DwarfCursor cursor, int form, long implicitConstant, DwarfUnit unit,
        ReadOnlySpan<byte> strings, ReadOnlySpan<byte> lineStrings)
    {
        switch (form)
        {
            case DwarfForm.Addr: return new(DwarfValueKind.Address, cursor.Sized(unit.AddressSize));
            case DwarfForm.Data1: return new(DwarfValueKind.Constant, cursor.U8());
            case DwarfForm.Data2: return new(DwarfValueKind.Constant, cursor.U16());
            case DwarfForm.Data4: return new(DwarfValueKind.Constant, cursor.U32());
            case DwarfForm.Data8: return new(DwarfValueKind.Constant, cursor.U64());
            case DwarfForm.Data16: cursor.Skip(16); return new(DwarfValueKind.Other, 0);
            case DwarfForm.Udata: return new(DwarfValueKind.Constant, cursor.Uleb());
            case DwarfForm.Sdata: return new(DwarfValueKind.Signed, (ulong)cursor.Sleb());
            case DwarfForm.ImplicitConst: return new(DwarfValueKind.Signed, (ulong)implicitConstant);
            case DwarfForm.Flag: return new(DwarfValueKind.Constant, cursor.U8());
            case DwarfForm.FlagPresent: return new(DwarfValueKind.Constant, 1);
            case DwarfForm.String: return new(DwarfValueKind.String, 0, cursor.CString());
            case DwarfForm.Strp: return new(DwarfValueKind.String, 0, DwarfCursor.StringAt(strings, cursor.Sized(unit.OffsetSize)));
            case DwarfForm.LineStrp: return new(DwarfValueKind.String, 0, DwarfCursor.StringAt(lineStrings, cursor.Sized(unit.OffsetSize)));
            case DwarfForm.Strx or DwarfForm.GnuStrIndex: return new(DwarfValueKind.StringIndex, cursor.Uleb());
            case DwarfForm.Strx1: return new(DwarfValueKind.StringIndex, cursor.U8());
            case DwarfForm.Strx2: return new(DwarfValueKind.StringIndex, cursor.U16());
            case DwarfForm.Strx3: return new(DwarfValueKind.StringIndex, cursor.U24());
            case DwarfForm.Strx4: return new(DwarfValueKind.StringIndex, cursor.U32());
            case DwarfForm.Addrx or DwarfForm.GnuAddrIndex: return new(DwarfValueKind.AddressIndex, cursor.Uleb());
            case DwarfForm.Addrx1: return new(DwarfValueKind.AddressIndex, cursor.U8());
            case DwarfForm.Addrx2: return new(DwarfValueKind.AddressIndex, cursor.U16());
            case DwarfForm.Addrx3: return new(DwarfValueKind.AddressIndex, cursor.U24());
            case DwarfForm.Addrx4: return new(DwarfValueKind.AddressIndex, cursor.U32());
            case DwarfForm.Ref1: return new(DwarfValueKind.Reference, (ulong)unit.Offset + cursor.U8());
            case DwarfForm.Ref2: return new(DwarfValueKind.Reference, (ulong)unit.Offset + cursor.U16());
            case DwarfForm.Ref4: return new(DwarfValueKind.Reference, (ulong)unit.Offset + cursor.U32());
            case DwarfForm.Ref8: return new(DwarfValueKind.Reference, (ulong)unit.Offset + cursor.U64());
            case DwarfForm.RefUdata: return new(DwarfValueKind.Reference, (ulong)unit.Offset + cursor.Uleb());
            case DwarfForm.RefAddr: return new(DwarfValueKind.Reference, cursor.Sized(unit.Version <= 2 ? unit.AddressSize : unit.OffsetSize));
            case DwarfForm.SecOffset: return new(DwarfValueKind.SectionOffset, cursor.Sized(unit.OffsetSize));
            case DwarfForm.StrpSup or DwarfForm.GnuRefAlt or DwarfForm.GnuStrpAlt: cursor.Sized(unit.OffsetSize); return new(DwarfValueKind.Other, 0);
            case DwarfForm.RefSup4: cursor.U32(); return new(DwarfValueKind.Other, 0);
            case DwarfForm.RefSup8 or DwarfForm.RefSig8: cursor.U64(); return new(DwarfValueKind.Other, 0);
            case DwarfForm.Loclistx or DwarfForm.Rnglistx: return new(DwarfValueKind.ListIndex, cursor.Uleb());
            case DwarfForm.Block1: cursor.Skip(cursor.U8()); return new(DwarfValueKind.Other, 0);
            case DwarfForm.Block2: cursor.Skip(cursor.U16()); return new(DwarfValueKind.Other, 0);
            case DwarfForm.Block4: cursor.Skip(cursor.U32()); return new(DwarfValueKind.Other, 0);
            case DwarfForm.Block or DwarfForm.Exprloc: cursor.Skip(cursor.Uleb()); return new(DwarfValueKind.Other, 0);
            case DwarfForm.Indirect:
                var actual = (int)cursor.Uleb();
                return ReadValue(ref cursor, actual, actual == DwarfForm.ImplicitConst ? cursor.Sleb() : 0, unit, strings, lineStrings);
            default:
                throw new InvalidDataException($"DWARF: unknown attribute form 0x{form:x}");
        }
    }
}

/// <summary>One entry of an abbreviation table: a DIE's tag, whether it has children, and its attributes' forms.</summary>
internal sealed record DwarfAbbreviation(int Tag, bool HasChildren, (int Attribute, int Form, long ImplicitConstant)[] Attributes)
{
    /// <summary>The abbreviation table at <paramref name="offset"/> of .debug_abbrev, by code.</summary>
    public static Dictionary<ulong, DwarfAbbreviation> ReadTable(ReadOnlySpan<byte> abbrev, ulong offset)
    {
        var table = new Dictionary<ulong, DwarfAbbreviation>();
        var cursor = new DwarfCursor(abbrev, checked((int)offset));
        while (!cursor.AtEnd)
        {
            var code = cursor.Uleb();
            if (code == 0)
                break;
            var tag = (int)cursor.Uleb();
            var hasChildren = cursor.U8() != 0;
            var attributes = new List<(int, int, long)>();
            while (true)
            {
                var attribute = (int)cursor.Uleb();
                var form = (int)cursor.Uleb();
                if (attribute == 0 && form == 0)
                    break;
                attributes.Add((attribute, form, form == DwarfForm.ImplicitConst ? cursor.Sleb() : 0));
            }
            table[code] = new DwarfAbbreviation(tag, hasChildren, [.. attributes]);
        }
        return table;
    }
}
