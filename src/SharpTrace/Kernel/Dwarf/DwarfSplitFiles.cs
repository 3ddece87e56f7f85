using SharpTrace.Kernel.Elf;

namespace SharpTrace.Kernel.Dwarf;

/// <summary>
/// Where a unit's DIEs, abbreviations and strings are read from: the file's own sections, or a split DWARF object's
/// (<c>.debug_info.dwo</c>, <c>.debug_abbrev.dwo</c>, <c>.debug_str.dwo</c>, <c>.debug_str_offsets.dwo</c>), in a
/// package (<c>.dwp</c>) each unit with its contributions to them (<see cref="ContributionsAt"/>).
/// </summary>
internal sealed class DwarfUnitSource(ElfSections sections, bool isSplit, IReadOnlyDictionary<ulong, DwarfContributions>? package = null)
{
    /// <summary>The file read.</summary>
    public ElfSections Sections { get; } = sections;

    /// <summary>Whether the units are split units (a <c>.dwo</c> file or a <c>.dwp</c> package) whose sections end in <c>.dwo</c>.</summary>
    public bool IsSplit { get; } = isSplit;

    /// <summary>The bytes of the DWARF section <paramref name="name"/> (<c>.debug_info</c>…), with <c>.dwo</c> after it in a split file.</summary>
    public ReadOnlySpan<byte> Bytes(string name) => Sections.Bytes(IsSplit ? name + ".dwo" : name).Span;

    /// <summary>In a package, the contributions of the unit at <paramref name="infoOffset"/> of its <c>.debug_info.dwo</c>; none (all 0) otherwise.</summary>
    public DwarfContributions ContributionsAt(int infoOffset) =>
        package is not null && package.TryGetValue((ulong)infoOffset, out var found) ? found : default;
}

/// <summary>Where one unit's parts start in a package's sections (DW_SECT_INFO, ABBREV, STR_OFFSETS, and RNGLISTS in DWARF 5), and its DWO id.</summary>
internal readonly record struct DwarfContributions(ulong DwoId, ulong Info, ulong Abbrev, ulong StrOffsets, ulong Rnglists = 0);

/// <summary>
/// Finds the split DWARF of a binary built with <c>-gsplit-dwarf</c>: its skeleton units name a <c>.dwo</c> file
/// (DW_AT_dwo_name, or DW_AT_GNU_dwo_name in DWARF 4) looked for as written, under the unit's compilation directory
/// and beside the binary; or the binary's units are all in a package, <c>BINARY.dwp</c> beside it, found by the
/// units' DWO ids in its <c>.debug_cu_index</c> (version 2, GNU's DWARF 4 packages, or 5).
/// </summary>
internal static class DwarfSplitFiles
{
    private const int SectionInfo = 1, SectionAbbrev = 3, SectionStrOffsets = 6, SectionRnglists = 8; // DW_SECT_* (8 is DWARF 5's; GNU's version 2 has no range lists)

    /// <summary>The package beside <paramref name="binaryPath"/> (<c>BINARY.dwp</c>), or null when there is none or it cannot be read.</summary>
    public static DwarfUnitSource? OpenPackage(string binaryPath)
    {
        var path = binaryPath + ".dwp";
        if (!RegularFiles.IsRegular(path))
            return null;
        try
        {
            var sections = ElfSections.Read(path);
            return new DwarfUnitSource(sections, isSplit: true, ReadIndex(sections.Bytes(".debug_cu_index").Span));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// The <c>.dwo</c> file a skeleton unit names (<paramref name="dwoName"/>, relative to <paramref name="compilationDirectory"/>
    /// or beside the binary at <paramref name="binaryPath"/>), or null when it is not found or cannot be read.
    /// </summary>
    public static DwarfUnitSource? OpenObject(string dwoName, string? compilationDirectory, string binaryPath)
    {
        var binaryDirectory = Path.GetDirectoryName(Path.GetFullPath(binaryPath)) ?? "/";
        string[] candidates = Path.IsPathRooted(dwoName)
            ? [dwoName, Path.Combine(binaryDirectory, Path.GetFileName(dwoName))]
            : [Path.Combine(compilationDirectory ?? binaryDirectory, dwoName), Path.Combine(binaryDirectory, dwoName), Path.Combine(binaryDirectory, Path.GetFileName(dwoName))];
        foreach (var candidate in candidates.Where(RegularFiles.IsRegular))
        {
            try
            {
                return new DwarfUnitSource(ElfSections.Read(candidate), isSplit: true);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or OverflowException)
            {
                // An unreadable candidate: try the next place.
            }
        }
        return null;
    }

    /// <summary>
    /// A package's <c>.debug_cu_index</c>: each unit's contributions, by the unit's offset in <c>.debug_info.dwo</c>.
    /// The header (version, columns, units, slots), the hash table of DWO ids and row numbers, the columns' section
    /// ids, then a row of offsets and a row of sizes per unit.
    /// </summary>
    public static Dictionary<ulong, DwarfContributions> ReadIndex(ReadOnlySpan<byte> index)
    {
        var byInfo = new Dictionary<ulong, DwarfContributions>();
        if (index.Length < 16)
            return byInfo;
        var cursor = new DwarfCursor(index);
        var version = cursor.U32() & 0xffff; // DWARF 5: a 2-byte version and 2 bytes of padding
        if (version is not (2 or 5))
            throw new InvalidDataException($"DWARF: package index version {version}");
        var columns = (int)cursor.U32();
        var units = (int)cursor.U32();
        var slots = (int)cursor.U32();
        var ids = new ulong[slots];
        for (var i = 0; i < slots; i++)
            ids[i] = cursor.U64();
        var rows = new int[slots];
        for (var i = 0; i < slots; i++)
            rows[i] = (int)cursor.U32();
        var sectionIds = new int[columns];
        for (var c = 0; c < columns; c++)
            sectionIds[c] = (int)cursor.U32();
        var offsetsStart = cursor.Position;
        for (var slot = 0; slot < slots; slot++)
        {
            if (rows[slot] is var row && (row <= 0 || row > units))
                continue;
            ulong info = 0, abbrev = 0, strOffsets = 0, rnglists = 0;
            for (var c = 0; c < columns; c++)
            {
                cursor.Position = offsetsStart + ((row - 1) * columns + c) * 4;
                var offset = cursor.U32();
                switch (sectionIds[c])
                {
                    case SectionInfo: info = offset; break;
                    case SectionAbbrev: abbrev = offset; break;
                    case SectionStrOffsets: strOffsets = offset; break;
                    case SectionRnglists when version == 5: rnglists = offset; break;
                }
            }
            byInfo[info] = new DwarfContributions(ids[slot], info, abbrev, strOffsets, rnglists);
        }
        return byInfo;
    }
}
