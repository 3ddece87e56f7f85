using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.Kernel.Dwarf;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Kernel;

/// <summary>
/// Split DWARF (<c>gcc -gsplit-dwarf</c>): the units the binary's skeleton units stand for, read from their
/// <c>.dwo</c> files (DWARF 5, and GNU's DWARF 4 extension) or from a <c>.dwp</c> package made by <c>dwp</c>, checked
/// against <c>readelf --debug-dump</c>; and C++ functions found by their linkage names.
/// </summary>
public sealed partial class SplitDwarfTests
{
    private const string Source = """
        struct point { int x; int y; };
        __attribute__((noinline)) long scalars(int n, unsigned char c, short s, long l) { return n + c + s + l; }
        __attribute__((noinline)) int pointers(const char *name, struct point *p) { return name[0] + p->x; }
        int main(void) { struct point p = {1, 2}; return (int)scalars(1, 2, 3, 4) + pointers("x", &p); }
        """;

    [Theory]
    [InlineData("-gdwarf-4")]
    [InlineData("-gdwarf-5")]
    public void DwoUnitsHoldEveryEntryReadelfShows(string dwarfVersion)
    {
        using var program = new GccProgram(Source, dwarfVersion, "-gsplit-dwarf");
        var info = DwarfInfo.ForBinary(program.Path, new DebugFileLocator())!;
        var split = Assert.Single(info.Units, u => u.IsSplit);

        var entries = ReadelfEntries(GccProgram.Run("readelf", "--debug-dump=info", program.Path), ".debug_info.dwo");

        Assert.NotEmpty(entries);
        foreach (var (offset, tag) in entries)
            Assert.Equal((offset, tag), (offset, info.EntryAt((ulong)(split.Offset + offset))?.Tag ?? -1));
        Assert.Equal(dwarfVersion == "-gdwarf-5" ? 5 : 4, split.Version);
    }

    [Theory]
    [InlineData("-gdwarf-4")]
    [InlineData("-gdwarf-5")]
    public void ParametersOfASplitBuildAreThoseOfANormalOne(string dwarfVersion)
    {
        using var normal = new GccProgram(Source, dwarfVersion);
        using var split = new GccProgram(Source, dwarfVersion, "-gsplit-dwarf");
        var expected = new DwarfTypes(DwarfInfo.Read(ElfSections.Read(normal.Path))!);
        var actual = new DwarfTypes(DwarfInfo.ForBinary(split.Path, new DebugFileLocator())!);

        Assert.Equal(["int n", "unsigned char c", "short int s", "long int l"], expected.ListedParameters("scalars"));
        Assert.Equal(expected.ListedParameters("scalars"), actual.ListedParameters("scalars"));
        Assert.Equal(expected.ListedParameters("pointers"), actual.ListedParameters("pointers"));
        var point = (CStructType)((CPointerType)actual.FunctionParameters("pointers")![1].Type).Target;
        Assert.Equal([("x", 0), ("y", 4)], point.Members.Select(m => (m.Name, m.Offset)));
    }

    [Fact]
    public void WithoutItsDwoFileASkeletonKeepsItsLineTableOnly()
    {
        using var program = new GccProgram(Source, "-gdwarf-5", "-gsplit-dwarf");
        foreach (var dwo in Directory.EnumerateFiles(program.Directory, "*.dwo"))
            File.Delete(dwo);

        var info = DwarfInfo.ForBinary(program.Path, new DebugFileLocator())!;

        Assert.DoesNotContain(info.Units, u => u.IsSplit);
        Assert.Null(new DwarfTypes(info).FunctionParameters("scalars"));
        Assert.Single(DwarfLines.Read(info).FilesEndingWith("program.c"));
    }

    [Fact]
    public void PackageIndexIsReadAsReadelfShowsIt()
    {
        using var program = PackagedProgram();
        var package = program.Path + ".dwp";

        var index = DwarfSplitFiles.ReadIndex(ElfSections.Read(package).Bytes(".debug_cu_index").Span);

        // "  [  8] 0x9b316177595fdf48        0        0        0        0": slot, DWO id, info, abbrev, line, str_off.
        // readelf warns, and fails, about dwp's empty .debug_tu_index: its output is what counts.
        var dump = GccProgram.Run("sh", "-c", "readelf --debug-dump=cu_index \"$0\" 2>/dev/null; true", package);
        var offsets = dump.Split("Size table")[0];
        var rows = IndexRow().Matches(offsets).Select(m => (
            ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            ulong.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.NotEmpty(rows);
        Assert.Equal(rows.Order(), index.Values.Select(c => (c.DwoId, c.Info, c.Abbrev, c.StrOffsets)).Order());
    }

    [Fact]
    public void PackageUnitsHoldEveryEntryReadelfShowsWithoutTheDwoFiles()
    {
        using var program = PackagedProgram();
        var info = DwarfInfo.ForBinary(program.Path, new DebugFileLocator())!;
        var split = Assert.Single(info.Units, u => u.IsSplit);

        var entries = ReadelfEntries(GccProgram.Run("sh", "-c", "readelf --debug-dump=info \"$0\" 2>/dev/null; true", program.Path + ".dwp"), ".debug_info.dwo");

        Assert.NotEmpty(entries);
        foreach (var (offset, tag) in entries)
            Assert.Equal((offset, tag), (offset, info.EntryAt((ulong)(split.Offset + offset))?.Tag ?? -1));
        Assert.Equal(["const char* name", "struct point* p"], new DwarfTypes(info).ListedParameters("pointers"));
    }

    [Fact]
    public void CppFunctionsAreFoundByTheirLinkageNames()
    {
        const string cpp = """
            namespace shapes {
            struct point { int x; int y; };
            __attribute__((noinline)) long scale(int factor) { return factor * 2L; }
            __attribute__((noinline)) long scale(long factor, short divisor) { return factor / divisor; }
            class counter {
            public:
                __attribute__((noinline)) int add(int step, const point *where) { value_ += step + where->x; return value_; }
                int value_ = 0;
            };
            }
            int main() { shapes::point p = {1, 2}; shapes::counter c; return (int)(shapes::scale(1) + shapes::scale(2L, (short)1)) + c.add(1, &p); }
            """;
        using var program = new GccProgram(cpp, "-x", "c++", "-g");
        var types = new DwarfTypes(DwarfInfo.Read(ElfSections.Read(program.Path))!);

        Assert.Equal(["int factor"], types.ListedParameters("_ZN6shapes5scaleEi"));
        Assert.Equal(["long int factor", "short int divisor"], types.ListedParameters("_ZN6shapes5scaleEls"));
        Assert.Equal(["class counter* const this", "int step", "const struct point* where"], types.ListedParameters("_ZN6shapes7counter3addEiPKNS_5pointE"));
        var where = (CPointerType)types.FunctionParameters("_ZN6shapes7counter3addEiPKNS_5pointE")![2].Type;
        Assert.Equal(["x", "y"], ((CStructType)where.Target).Members.Select(m => m.Name));
    }

    // DWARF 4 split (GNU's extension), packed by binutils' dwp, its .dwo files removed so only the package has them.
    private static GccProgram PackagedProgram()
    {
        var program = new GccProgram(Source, "-gdwarf-4", "-gsplit-dwarf");
        GccProgram.Run("dwp", "-e", program.Path, "-o", program.Path + ".dwp");
        foreach (var dwo in Directory.EnumerateFiles(program.Directory, "*.dwo"))
            File.Delete(dwo);
        return program;
    }

    // The DIEs of SECTION in readelf's dump (the part after "Contents of the SECTION section"), by offset and tag.
    private static List<(int Offset, int Tag)> ReadelfEntries(string dump, string section)
    {
        var start = dump.IndexOf($"Contents of the {section} section", StringComparison.Ordinal);
        Assert.True(start >= 0, $"readelf shows no {section}");
        var end = dump.IndexOf("Contents of the ", start + 1, StringComparison.Ordinal);
        var text = end < 0 ? dump[start..] : dump[start..end];
        var tags = new Dictionary<string, int>
        {
            ["compile_unit"] = DwarfTag.CompileUnit, ["base_type"] = DwarfTag.BaseType, ["typedef"] = DwarfTag.Typedef,
            ["pointer_type"] = DwarfTag.PointerType, ["const_type"] = DwarfTag.ConstType, ["structure_type"] = DwarfTag.StructureType,
            ["member"] = DwarfTag.Member, ["subprogram"] = DwarfTag.Subprogram, ["formal_parameter"] = DwarfTag.FormalParameter,
            ["variable"] = 0x34, ["array_type"] = DwarfTag.ArrayType, ["subrange_type"] = DwarfTag.SubrangeType,
        };
        return DieLine().Matches(text)
            .Select(m => (int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), tags[m.Groups[2].Value]))
            .ToList();
    }

    [GeneratedRegex(@"<\d+><([0-9a-f]+)>: Abbrev Number: \d+ \(DW_TAG_(\w+)\)")]
    private static partial Regex DieLine();

    [GeneratedRegex(@"\[\s*\d+\]\s+0x([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)")]
    private static partial Regex IndexRow();
}
