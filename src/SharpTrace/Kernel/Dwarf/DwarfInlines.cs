namespace SharpTrace.Kernel.Dwarf;

/// <summary>One function inlined at an address: its name and the source position that stands for it there.</summary>
internal readonly record struct InlinedFunction(string Name, SourcePosition? Position);

/// <summary>
/// The functions inlined at an address (DW_TAG_inlined_subroutine inside the DW_TAG_subprogram holding it, through
/// lexical blocks), with their code ranges from DW_AT_low_pc/DW_AT_high_pc or DW_AT_ranges (<c>.debug_ranges</c>,
/// DWARF 5's <c>.debug_rnglists</c>), and the call sites (DW_AT_call_file, DW_AT_call_line) that place the frames
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
        // Split units' addresses are indexes into the skeleton's .debug_addr, not read here: their inlined frames are not named.
        _functions ??= [.. info.Units.Where(u => !u.IsSplit).SelectMany(u => u.Root?.Children ?? [])
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
            || lines.ProgramOf(inlined.Unit) is not { } program || file >= (ulong)program.Files.Count)
            return null;
        return new SourcePosition(program.Files[(int)file], (int)line, 0);
    }

    private IEnumerable<(ulong Start, ulong End)> Ranges(DwarfEntry entry)
    {
        if (entry.Get(DwarfAttribute.LowPc) is { Kind: DwarfValueKind.Address } low)
        {
            var high = entry.Get(DwarfAttribute.HighPc);
            var end = high switch
            {
                { Kind: DwarfValueKind.Address } h => h.Number,
                { Kind: DwarfValueKind.Constant } h => low.Number + h.Number,
                _ => low.Number + 1,
            };
            return [(low.Number, end)];
        }
        if (entry.Get(AttributeRanges) is { Kind: DwarfValueKind.SectionOffset } ranges)
        {
            try
            {
                return entry.Unit.Version >= 5 ? RangeList(entry.Unit, ranges.Number) : LegacyRanges(entry.Unit, ranges.Number);
            }
            catch (InvalidDataException)
            {
                return [];
            }
        }
        return [];
    }

    private ulong UnitBase(DwarfUnit unit) =>
        unit.Root?.Get(DwarfAttribute.LowPc) is { Kind: DwarfValueKind.Address } low ? low.Number : 0;

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

    // DWARF 5 .debug_rnglists entries (DW_RLE_*); indexed addresses (split DWARF) are not followed.
    private List<(ulong, ulong)> RangeList(DwarfUnit unit, ulong offset)
    {
        var data = info.Sections.Bytes(".debug_rnglists").Span;
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
                    cursor.Uleb();
                    break;
                case 2: // startx_endx
                    cursor.Uleb();
                    cursor.Uleb();
                    break;
                case 3: // startx_length
                    cursor.Uleb();
                    cursor.Uleb();
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
}
