using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.Kernel.Dwarf;
using SharpTrace.Kernel.Elf;

namespace SharpTrace.Tests.Kernel;

/// <summary>
/// Our .debug_line reader on programs gcc compiles at -O0 and -O2 with DWARF 4 and DWARF 5 (an inline function from a
/// header makes rows switch files): every row readelf --debug-dump=decodedline decodes, in order, with its file, line,
/// address and is_stmt flag; addresses resolve to the lines addr2line gives; source lines to their rows.
/// </summary>
public sealed partial class DwarfLineTests
{
    // The store to sink keeps scale's code (and its lines.h rows) when -O2 inlines it.
    private const string Header = """
        volatile int sink;
        static inline int scale(int x)
        {
            int y = x * 3;
            sink = y;
            return y + 1;
        }
        """;

    private const string Source = """
        #include <stdio.h>
        #include "lines.h"

        __attribute__((noinline)) int work(int n)
        {
            int total = 0;
            for (int i = 0; i < n; i++)
                total += scale(i);
            return total;
        }

        int main(int argc, char **argv)
        {
            (void)argv;
            printf("%d\n", work(argc + 3));
            return 0;
        }
        """;

    private static GccProgram Compile(params string[] flags) =>
        new(Source, new Dictionary<string, string> { ["lines.h"] = Header }, flags);

    [Theory]
    [InlineData("-O0", "-gdwarf-4")]
    [InlineData("-O0", "-gdwarf-5")]
    [InlineData("-O2", "-gdwarf-4")]
    [InlineData("-O2", "-gdwarf-5")]
    public void EveryRowReadelfDecodesIsReadInOrder(string optimization, string dwarfVersion)
    {
        using var program = Compile(optimization, dwarfVersion);
        var lines = DwarfLines.Read(DwarfInfo.Read(ElfSections.Read(program.Path))!);

        var expected = ReadelfRows(program.Path);
        var actual = lines.Programs.SelectMany(p => p.Rows.Select(r => (
            Path.GetFileName(p.Files[r.File]), r.EndSequence ? "-" : r.Line.ToString(CultureInfo.InvariantCulture),
            r.Address, !r.EndSequence && r.IsStatement))).ToList();

        Assert.Contains(expected, r => r.File == "lines.h");
        Assert.Equal(expected, actual);
        Assert.Equal(dwarfVersion == "-gdwarf-5" ? 5 : 4, lines.Programs[0].Version);
    }

    [Theory]
    [InlineData("-gdwarf-4")]
    [InlineData("-gdwarf-5")]
    public void AddressesResolveToTheLinesAddr2lineGives(string dwarfVersion)
    {
        using var program = Compile("-O0", dwarfVersion);
        var lines = DwarfLines.Read(DwarfInfo.Read(ElfSections.Read(program.Path))!);
        var addresses = lines.Programs.SelectMany(p => p.Rows).Where(r => !r.EndSequence).Select(r => r.Address).Distinct().ToList();
        // One past each row's first byte too: an address inside an instruction range resolves as its start does.
        var probes = addresses.Concat(addresses.Select(a => a + 1)).ToList();

        var expected = GccProgram.Run("addr2line", ["-e", program.Path, .. probes.Select(a => "0x" + a.ToString("x", CultureInfo.InvariantCulture))])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => Regex.Replace(l, @" \(discriminator \d+\)$", ""))
            .ToList();
        var actual = probes.Select(a => lines.Find(a)?.ToString() ?? "??:0").ToList();

        // binutils 2.40's addr2line names DWARF 5 files one entry off (program.c for rows readelf shows in lines.h,
        // see EveryRowReadelfDecodesIsReadInOrder): there only the line numbers are compared.
        if (dwarfVersion == "-gdwarf-5")
            (expected, actual) = (expected.Select(LineOnly).ToList(), actual.Select(LineOnly).ToList());
        Assert.Equal(expected, actual);
        var files = addresses.Select(a => lines.Find(a)!.Value.File).Distinct();
        Assert.Equal([Path.Combine(program.Directory, "lines.h"), Path.Combine(program.Directory, "program.c")], files.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("-gdwarf-4")]
    [InlineData("-gdwarf-5")]
    public void SourceLinesFindTheirFileAndRows(string dwarfVersion)
    {
        using var program = Compile("-O0", dwarfVersion);
        var lines = DwarfLines.Read(DwarfInfo.Read(ElfSections.Read(program.Path))!);
        var source = Path.Combine(program.Directory, "program.c");

        Assert.Equal([source], lines.FilesEndingWith("program.c"));
        Assert.Equal([source], lines.FilesEndingWith(source));
        Assert.Equal([source], lines.FilesEndingWith(Path.GetFileName(program.Directory) + "/program.c"));
        Assert.Empty(lines.FilesEndingWith("gram.c"));
        Assert.Equal([Path.Combine(program.Directory, "lines.h")], lines.FilesEndingWith("lines.h"));
        // "total += scale(i);" is line 8; readelf lists its rows' addresses.
        var expected = ReadelfRows(program.Path).Where(r => r.File == "program.c" && r.Line == "8").Select(r => r.Address);
        Assert.Equal(expected, lines.RowsAt(source, 8, 0).Select(r => r.Address));
        Assert.NotEmpty(expected);
        Assert.Empty(lines.RowsAt(source, 3, 0));
    }

    [Theory]
    [InlineData("-gdwarf-4")]
    [InlineData("-gdwarf-5")]
    public void InlinedFunctionsAreTheOnesAddr2lineShows(string dwarfVersion)
    {
        // At -O2, scale (lines.h) is inlined into work's loop: addresses there are in scale, called from work.
        using var program = Compile("-O2", dwarfVersion);
        var info = DwarfInfo.Read(ElfSections.Read(program.Path))!;
        var lines = DwarfLines.Read(info);
        var inlines = new DwarfInlines(info, lines);
        var addresses = lines.Programs.SelectMany(p => p.Rows).Where(r => !r.EndSequence).Select(r => r.Address).Distinct().ToList();

        var checkedInlined = 0;
        foreach (var address in addresses)
        {
            // "-f -i": the function and FILE:LINE of every level, innermost first.
            var output = GccProgram.Run("addr2line", "-f", "-i", "-e", program.Path, "0x" + address.ToString("x", CultureInfo.InvariantCulture))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => Regex.Replace(l, @" \(discriminator \d+\)$", ""))
                .ToList();
            var expected = output.Chunk(2).Select(p => (p[0], p[1] == "??:0" ? "??:?" : p[1])).ToList();
            var actual = inlines.At(address).Select(f => (f.Name, f.Position?.ToString() ?? "??:?")).ToList();
            if (expected[0].Item1 == "??")
            {
                Assert.Empty(actual); // no function's debug info covers the address
                continue;
            }
            if (dwarfVersion == "-gdwarf-5")
            {
                // binutils 2.40 names DWARF 5 files one entry off (see AddressesResolveToTheLinesAddr2lineGives).
                expected = expected.Select(e => (e.Item1, LineOnly(e.Item2))).ToList();
                actual = actual.Select(a => (a.Name, LineOnly(a.Item2))).ToList();
            }
            Assert.Equal(expected, actual);
            if (actual.Count > 1)
                checkedInlined++;
        }
        Assert.True(checkedInlined > 0, "no address in an inlined function");
    }

    private static string LineOnly(string position) => position[(position.LastIndexOf(':') + 1)..];

    // "program.c    8    0x1166    1    x": file, line ("-" ends a sequence), address, view, "x" for is_stmt.
    private static List<(string File, string Line, ulong Address, bool IsStatement)> ReadelfRows(string path) =>
        GccProgram.Run("readelf", "--debug-dump=decodedline", path).Split('\n')
            .Select(l => ReadelfRow().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups["file"].Value, m.Groups["line"].Value,
                ulong.Parse(m.Groups["address"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), m.Groups["stmt"].Success))
            .ToList();

    [GeneratedRegex(@"^(?<file>\S+)\s+(?<line>\d+|-)\s+0x(?<address>[0-9a-f]+)(?:\s+(?<view>\d+))?(?:\s+(?<stmt>x))?\s*$")]
    private static partial Regex ReadelfRow();
}
