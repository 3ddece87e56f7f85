using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.Kernel.Dwarf;
using SharpTrace.Kernel.Elf;

namespace SharpTrace.Tests.Kernel;

/// <summary>
/// Functions inlined in split units (tests/programs/inline_chain.c built <c>gcc -O2 -gsplit-dwarf</c>): their code ranges are indexes into the binary's
/// <c>.debug_addr</c> and range lists of the <c>.dwo</c> file (DWARF 5) or of the binary's <c>.debug_ranges</c>
/// (DWARF 4), their call sites in the skeleton's line table. binutils' addr2line reads no split DWARF, so the
/// expectation is what <c>addr2line -f -i</c> prints for the same addresses of the same program built with its DWARF
/// inside (the code is the same: the symbols' addresses are checked to agree).
/// </summary>
public sealed partial class SplitDwarfInlineTests
{
    private static string Source => File.ReadAllText(Path.Combine(SourceTree.Root, "tests", "programs", "inline_chain.c"));

    [Theory]
    [InlineData("-gdwarf-4")]
    [InlineData("-gdwarf-5")]
    public void InlinedFramesOfASplitBuildAreThoseAddr2lineShowsForTheNormalBuild(string dwarfVersion)
    {
        using var normal = new GccProgram(Source, "-O2", "-g", dwarfVersion, "-fno-omit-frame-pointer");
        using var split = new GccProgram(Source, "-O2", "-g", dwarfVersion, "-gsplit-dwarf", "-fno-omit-frame-pointer");
        var (start, size) = Symbol(normal.Path, "inline_outer");
        Assert.Equal((start, size), Symbol(split.Path, "inline_outer"));
        var info = DwarfInfo.ForBinary(split.Path, new DebugFileLocator())!;
        Assert.Contains(info.Units, u => u.IsSplit && u.Skeleton is not null);
        var inlines = new DwarfInlines(info, DwarfLines.Read(info));
        // The program's sources live in another directory: compare base names, as the file tables differ only there.
        var addresses = Enumerable.Range(0, (int)size).Select(i => start + (ulong)i).ToList();
        var expected = Addr2line(normal.Path, addresses);

        var actual = addresses.Select(a => inlines.At(a).Select(f => (f.Name, Where(f.Position))).ToList()).ToList();

        // inline_middle is inlined into inline_outer: some addresses have two frames.
        Assert.Contains(expected, chain => chain.Count == 2 && chain[0].Name == "inline_middle" && chain[1].Name == "inline_outer");
        for (var i = 0; i < addresses.Count; i++)
            Assert.True(expected[i].SequenceEqual(actual[i]),
                $"0x{addresses[i]:x}: addr2line {string.Join(" / ", expected[i])}, split {string.Join(" / ", actual[i])}");
    }

    private static string Where(SourcePosition? position) =>
        position is { } p ? $"{Path.GetFileName(p.File)}:{p.Line}" : "??";

    // addr2line -a -f -i: for each address its line "0x…", then a name and a FILE:LINE line per frame, innermost first.
    private static List<List<(string Name, string Where)>> Addr2line(string program, IReadOnlyList<ulong> addresses)
    {
        var output = GccProgram.Run("addr2line", ["-a", "-f", "-i", "-e", program, .. addresses.Select(a => "0x" + a.ToString("x", CultureInfo.InvariantCulture))]);
        var chains = new List<List<(string, string)>>();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("0x", StringComparison.Ordinal))
            {
                chains.Add([]);
                continue;
            }
            var location = Discriminator().Replace(lines[++i], "");
            chains[^1].Add((lines[i - 1], location.StartsWith("??", StringComparison.Ordinal) ? "??" : Path.GetFileName(location)));
        }
        Assert.Equal(addresses.Count, chains.Count);
        return chains;
    }

    private static (ulong Start, ulong Size) Symbol(string program, string name) =>
        GccProgram.Run("nm", "-S", program).Split('\n').Select(l => l.Split(' ')).Where(p => p.Length == 4 && p[3] == name)
            .Select(p => (ulong.Parse(p[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), ulong.Parse(p[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
            .Single();

    [GeneratedRegex(@" \(discriminator \d+\)$")]
    private static partial Regex Discriminator();
}
