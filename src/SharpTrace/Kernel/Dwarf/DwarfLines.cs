namespace SharpTrace.Kernel.Dwarf;

/// <summary>A source position: the file's full path, its line and column (0 when unknown).</summary>
internal readonly record struct SourcePosition(string File, int Line, int Column)
{
    /// <summary><c>FILE:LINE</c>, as debuggers and bpftrace's stacks write it.</summary>
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>
/// The line tables of every compilation unit of a file (DW_AT_stmt_list of each unit's root): which source line an
/// address belongs to, and which addresses a source line starts at.
/// </summary>
internal sealed class DwarfLines
{
    private readonly List<DwarfLineProgram> _programs;
    // Every row that starts a range of code, by address, with the first address after that range.
    private readonly (ulong Start, ulong End, int Program, DwarfLineRow Row)[] _ranges;

    private readonly Dictionary<DwarfUnit, DwarfLineProgram> _units;

    private DwarfLines(List<DwarfLineProgram> programs, Dictionary<DwarfUnit, DwarfLineProgram> units)
    {
        _programs = programs;
        _units = units;
        var ranges = new List<(ulong, ulong, int, DwarfLineRow)>();
        for (var p = 0; p < programs.Count; p++)
        {
            var rows = programs[p].Rows;
            for (var i = 0; i + 1 < rows.Count; i++)
            {
                var row = rows[i];
                if (row.EndSequence)
                    continue;
                // Of several rows at one address, the last describes the instruction there (as addr2line reads them).
                var next = rows[i + 1];
                if (next.Address == row.Address && !next.EndSequence)
                    continue;
                if (next.Address > row.Address)
                    ranges.Add((row.Address, next.Address, p, row));
            }
        }
        _ranges = [.. ranges.OrderBy(r => r.Item1)];
    }

    /// <summary>The line programs, one per unit that has one, in unit order.</summary>
    public IReadOnlyList<DwarfLineProgram> Programs => _programs;

    /// <summary>The line tables of the units of <paramref name="info"/>; units whose table cannot be read are left out.</summary>
    public static DwarfLines Read(DwarfInfo info)
    {
        var programs = new List<DwarfLineProgram>();
        var byOffset = new Dictionary<ulong, DwarfLineProgram?>();
        var units = new Dictionary<DwarfUnit, DwarfLineProgram>();
        foreach (var unit in info.Units)
        {
            // A split unit's line table (.debug_line.dwo) only names files; its skeleton has the rows.
            if (unit.IsSplit || unit.Root is not { } root || root.Get(DwarfAttribute.StmtList) is not { } stmtList)
                continue;
            if (!byOffset.TryGetValue(stmtList.Number, out var program))
            {
                try
                {
                    program = DwarfLineProgram.Read(info.Sections, stmtList.Number, info.Text(info.Integrated(root, DwarfAttribute.CompDir)));
                    programs.Add(program);
                }
                catch (InvalidDataException)
                {
                    // A damaged table hides its unit's lines only.
                }
                byOffset[stmtList.Number] = program;
            }
            if (program is not null)
                units[unit] = program;
        }
        return new DwarfLines(programs, units);
    }

    /// <summary>The line program of <paramref name="unit"/> (whose file indexes DW_AT_call_file uses), or null.</summary>
    public DwarfLineProgram? ProgramOf(DwarfUnit unit) => _units.GetValueOrDefault(unit);

    /// <summary>The source position of the instruction at <paramref name="address"/> (a link-time address), or null.</summary>
    public SourcePosition? Find(ulong address)
    {
        int low = 0, high = _ranges.Length - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (_ranges[middle].Start <= address)
            {
                found = middle;
                low = middle + 1;
            }
            else
                high = middle - 1;
        }
        if (found < 0 || address >= _ranges[found].End)
            return null;
        var (_, _, program, row) = _ranges[found];
        var files = _programs[program].Files;
        return row.File < files.Count && row.Line > 0 ? new SourcePosition(files[row.File], row.Line, row.Column) : null;
    }

    /// <summary>
    /// The source files whose path ends with <paramref name="pattern"/>, compared by whole path components
    /// (<c>lib/a.c</c> matches <c>/src/lib/a.c</c>, not <c>/src/xlib/a.c</c>), each once, in unit order.
    /// </summary>
    public IReadOnlyList<string> FilesEndingWith(string pattern)
    {
        var wanted = Components(pattern);
        return _programs.SelectMany(p => p.Files.Skip(p.Version >= 5 ? 0 : 1))
            .Where(f => f.Length > 0 && EndsWith(Components(f), wanted))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The rows of <paramref name="file"/> (a full path from <see cref="FilesEndingWith"/>) at <paramref name="line"/>
    /// (and <paramref name="column"/> unless 0), by address.
    /// </summary>
    public IReadOnlyList<DwarfLineRow> RowsAt(string file, int line, int column) =>
        _programs.SelectMany(p => p.Rows.Where(r => !r.EndSequence && r.Line == line && (column == 0 || r.Column == column)
                && r.File < p.Files.Count && p.Files[r.File] == file))
            .OrderBy(r => r.Address)
            .ToList();

    private static string[] Components(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".").ToArray();

    private static bool EndsWith(string[] path, string[] pattern) =>
        pattern.Length > 0 && pattern.Length <= path.Length && path.AsSpan(path.Length - pattern.Length).SequenceEqual(pattern);
}
