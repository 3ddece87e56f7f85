namespace SharpTrace.Kernel.Dwarf;

/// <summary>One function inlined at an address: its name and the source position that stands for it there.</summary>
internal readonly record struct InlinedFunction(string Name, SourcePosition? Position);

/// <summary>
/// The functions inlined at an address (DW_TAG_inlined_subroutine inside the DW_TAG_subprogram holding it, through
/// lexical blocks), with their code ranges from DW_AT_low_pc/DW_AT_high_pc or DW_AT_ranges (<c>.debug_ranges</c>,
/// DWARF 5's <c>.debug_rnglists</c>; in split units, addresses indexed into the binary's <c>.debug_addr</c> and
/// lists in the <c>.dwo</c> file's <c>.debug_rnglists.dwo</c> or, DWARF 4, the binary's <c>.debug_ranges</c>), and the call sites (DW_AT_call_file, DW_AT_call_line) that place the frames
/// around them, as <c>addr2line -i</c> prints them.
/// </summary>
internal sealed class DwarfInlines(DwarfInfo info, DwarfLines lines)
{
    private const int TagLexicalBlock = 0x0b;
    private const int TagInlinedSubroutine = 0x1d;
    private const int AttributeRanges = 0x55;
    private const int AttributeCallFile = 0x58;
    private const int AttributeCallLine = 0x59;

    private (ulong Start, ulong End, DwarfEntry Function)[]? _functions;

    /// <summary>
    /// The functions inlined at <paramref name="address"/>, innermost first, each with the position of the address in it
    /// (the line table's for the innermost, the call site of the one inside it for the others); then, as the last item,
    /// the position of the address in the function that holds them all, under that function's DWARF name. Empty when
    /// no function's debug info covers the address.
    /// </summary>
    public IReadOnlyList<InlinedFunction> At(ulong address)
    {
        if (FunctionAt(address) is not { } function)
            return [];
        var chain = new List<DwarfEntry> { function };
        while (InlinedAt(chain[^1], address) is { } inner)
            chain.Add(inner);
        var result = new List<InlinedFunction>();
        var position = lines.Find(address);
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            result.Add(new InlinedFunction(info.Name(chain[i]) ?? "", position));
            position = CallSite(chain[i]);
        }
        return result;
    }

    private DwarfEntry? FunctionAt(ulong address)
    {
        // Split units' functions count as the others: their addresses are resolved through the skeleton's .debug_addr.
        _functions ??= [.. info.Units.SelectMany(u => u.Root?.Children ?? [])
            .Where(e => e.Tag == DwarfTag.Subprogram)
            .SelectMany(e => Ranges(e).Select(r => (r.Start, r.End, e)))
            .OrderBy(r => r.Start)];
        foreach (var (start, end, function) in _functions)
        {
            if (start > address)
                break;
            if (address < end)
                return function;
        }
        return null;
    }

    // The inlined subroutine directly inside scope (lexical blocks looked through) whose code holds the address.
    private DwarfEntry? InlinedAt(DwarfEntry scope, ulong address)
    {
        foreach (var child in scope.Children)
        {
            if (child.Tag == TagInlinedSubroutine && Holds(child, address))
                return child;
            if (child.Tag == TagLexicalBlock && InlinedAt(child, address) is { } nested)
                return nested;
        }
        return null;
    }

    private bool Holds(DwarfEntry entry, ulong address) => Ranges(entry).Any(r => address >= r.Start && address < r.End);

    private SourcePosition? CallSite(DwarfEntry inlined)
    {
        if (DwarfInfo.Constant(inlined, AttributeCallFile) is not { } file || DwarfInfo.Constant(inlined, AttributeCallLine) is not { } line
            || lines.ProgramOf(inlined.Unit.Skeleton ?? inlined.Unit) is not { } program || file >= (ulong)program.Files.Count)
            return null;
        return new SourcePosition(program.Files[(int)file], (int)line, 0);
    }

    private IEnumerable<(ulong Start, ulong End)> Ranges(DwarfEntry entry)
    {
        var unit = entry.Unit;
        if (entry.Get(DwarfAttribute.LowPc) is { } lowValue && info.Address(unit, lowValue) is { } low)
        {
            var high = entry.Get(DwarfAttribute.HighPc);
            var end = high switch
            {
                { Kind: DwarfValueKind.Constant } h => low + h.Number,
                { } h when info.Address(unit, h) is { } address => address,
                _ => low + 1,
            };
            return [(low, end)];
        }
        try
        {
            return entry.Get(AttributeRanges) switch
            {
                // DWARF 5 rnglistx: an index into the offsets after the unit's (or its .dwo contribution's) list header.
                { Kind: DwarfValueKind.ListIndex } index => RangeList(unit, ListOffset(unit, index.Number)),
                { Kind: DwarfValueKind.SectionOffset } offset when unit.Version >= 5 => RangeList(unit, offset.Number),
                // Split DWARF 4 (GNU): the lists are in the binary's .debug_ranges, from the skeleton's DW_AT_GNU_ranges_base.
                { Kind: DwarfValueKind.SectionOffset } offset => LegacyRanges(unit, (unit.Skeleton?.RangesBase ?? 0) + offset.Number),
                _ => [],
            };
        }
        catch (InvalidDataException)
        {
            return [];
        }
    }

    // A split unit's code starts at its skeleton's low_pc.
    private ulong UnitBase(DwarfUnit unit) =>
        (unit.Skeleton ?? unit).Root?.Get(DwarfAttribute.LowPc) is { } low && info.Address(unit.Skeleton ?? unit, low) is { } address ? address : 0;

    // The range list section of UNIT: .debug_rnglists, or .debug_rnglists.dwo of a split unit's file.
    private static ReadOnlySpan<byte> RangeListSection(DwarfUnit unit) =>
        unit.Source is { } source ? source.Bytes(".debug_rnglists") : [];

    private static ulong ListOffset(DwarfUnit unit, ulong index)
    {
        var data = RangeListSection(unit);
        var size = (ulong)unit.OffsetSize;
        var at = unit.RnglistsBase + index * size;
        if (at + size > (ulong)data.Length)
            throw new InvalidDataException("DWARF: range list index past its table");
        return unit.RnglistsBase + new DwarfCursor(data, (int)at).Sized(unit.OffsetSize);
    }

    // DWARF 2 to 4 .debug_ranges: address pairs relative to the base (the unit's low_pc), ~0 selects a new base.
    private List<(ulong, ulong)> LegacyRanges(DwarfUnit unit, ulong offset)
    {
        var data = info.Sections.Bytes(".debug_ranges").Span;
        var cursor = new DwarfCursor(data, checked((int)offset));
        var result = new List<(ulong, ulong)>();
        var baseAddress = UnitBase(unit);
        var size = unit.AddressSize;
        var selection = size == 8 ? ulong.MaxValue : uint.MaxValue;
        while (!cursor.AtEnd)
        {
            var start = cursor.Sized(size);
            var end = cursor.Sized(size);
            if (start == 0 && end == 0)
                break;
            if (start == selection)
                baseAddress = end;
            else
                result.Add((baseAddress + start, baseAddress + end));
        }
        return result;
    }

    // DWARF 5 .debug_rnglists entries (DW_RLE_*), their indexed addresses from .debug_addr (split units' through their skeleton).
    private List<(ulong, ulong)> RangeList(DwarfUnit unit, ulong offset)
    {
        var data = RangeListSection(unit);
        var cursor = new DwarfCursor(data, checked((int)offset));
        var result = new List<(ulong, ulong)>();
        var baseAddress = UnitBase(unit);
        var size = unit.AddressSize;
        while (!cursor.AtEnd)
        {
            switch (cursor.U8())
            {
                case 0: // end_of_list
                    return result;
                case 1: // base_addressx
                    baseAddress = Indexed(unit, cursor.Uleb());
                    break;
                case 2: // startx_endx
                    var startx = Indexed(unit, cursor.Uleb());
                    result.Add((startx, Indexed(unit, cursor.Uleb())));
                    break;
                case 3: // startx_length
                    var firstx = Indexed(unit, cursor.Uleb());
                    result.Add((firstx, firstx + cursor.Uleb()));
                    break;
                case 4: // offset_pair
                    var from = cursor.Uleb();
                    var to = cursor.Uleb();
                    result.Add((baseAddress + from, baseAddress + to));
                    break;
                case 5: // base_address
                    baseAddress = cursor.Sized(size);
                    break;
                case 6: // start_end
                    var start = cursor.Sized(size);
                    result.Add((start, cursor.Sized(size)));
                    break;
                case 7: // start_length
                    var first = cursor.Sized(size);
                    result.Add((first, first + cursor.Uleb()));
                    break;
                default:
                    throw new InvalidDataException("DWARF: unknown range list entry");
            }
        }
        return result;
    }

    private ulong Indexed(DwarfUnit unit, ulong index) =>
        info.Address(unit, new DwarfValue(DwarfValueKind.AddressIndex, index)) ?? throw new InvalidDataException("DWARF: address index past .debug_addr");
}
