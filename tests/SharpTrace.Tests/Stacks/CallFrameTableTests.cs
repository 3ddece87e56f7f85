using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.Kernel.Elf.Cfi;
using SharpTrace.Tests.Probes;

namespace SharpTrace.Tests.Stacks;

/// <summary>
/// Our call frame information reader (<c>.eh_frame</c>, <c>.debug_frame</c>) against binutils: every row
/// <c>readelf --debug-dump=frames-interp</c> prints (CFA rule, and the rule of each register it shows) must be the
/// row our CIE/FDE parser and <c>DW_CFA_*</c> interpreter give at that address, for tests/programs/cfi_chain built
/// as test.sh builds it (no frame pointers), the same with <c>.debug_frame</c> only, and this machine's libc.
/// </summary>
public sealed partial class CallFrameTableTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sharptrace-cfi-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void EhFrameRowsOfAProgramWithoutFramePointersMatchReadelf()
    {
        var program = Build("-O2", "-fomit-frame-pointer");

        var compared = CompareWithReadelf(program, ".eh_frame");

        Assert.True(compared > 20, $"only {compared} rows compared");
    }

    [Fact]
    public void DebugFrameRowsMatchReadelf()
    {
        // Without unwind tables gcc writes the call frame information of -g into .debug_frame alone.
        var program = Build("-O2", "-fomit-frame-pointer", "-g", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables");

        Assert.NotEmpty(CallFrameTable.Read(program).DebugFrame);
        var compared = CompareWithReadelf(program, ".debug_frame");

        Assert.True(compared > 10, $"only {compared} rows compared");
    }

    [Fact]
    public void EhFrameRowsOfLibcMatchReadelf()
    {
        // Debian's libc is built without frame pointers: its .eh_frame is what unwinds through qsort's callbacks.
        var libc = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6" }.First(File.Exists);

        var compared = CompareWithReadelf(libc, ".eh_frame");

        Assert.True(compared > 10_000, $"only {compared} rows compared");
    }

    [Fact]
    public void FindsTheFdeOfAnAddressAndNoneOutsideEveryRange()
    {
        var program = Build("-O2", "-fomit-frame-pointer");
        var table = CallFrameTable.Read(program);
        var leaf = ulong.Parse(ExternalTool.Run("nm", program).Split('\n').First(l => l.EndsWith(" T leaf", StringComparison.Ordinal))[..16],
            NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

        Assert.Equal(leaf, table.Find(leaf + 1)!.PcBegin);
        Assert.Null(table.Find(0x10));
    }

    [Fact]
    public void PltExpressionComputesTheCfaFromTheInstructionPointer()
    {
        // The PLT's CFA is rsp+8, or rsp+16 once 11 bytes of the 16-byte entry have run: an expression of rip and rsp.
        var expression = new byte[] { 0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22 };
        ulong? Registers(ulong rip, int r) => r switch { 7 => 0x7000, 16 => rip, _ => null };

        Assert.Equal(0x7008UL, DwarfExpression.Evaluate(expression, r => Registers(0x1024, r), _ => null));
        Assert.Equal(0x7010UL, DwarfExpression.Evaluate(expression, r => Registers(0x102b, r), _ => null));
        Assert.Null(DwarfExpression.Evaluate(expression, r => r == 7 ? 0x7000 : null, _ => null));
    }

    private string Build(params string[] flags)
    {
        var path = Path.Combine(_directory, $"cfi_chain_{flags.Length}");
        ExternalTool.Run("gcc", [.. flags, "-o", path, Path.Combine(SourceTree.Root, "tests", "programs", "cfi_chain.c")]);
        return path;
    }

    /// <summary>Checks every row readelf prints for <paramref name="section"/>; returns how many it checked.</summary>
    private static int CompareWithReadelf(string path, string section)
    {
        var table = CallFrameTable.Read(path);
        var fdes = (section == ".eh_frame" ? table.EhFrame : table.DebugFrame).ToDictionary(f => f.Offset);
        var output = Readelf(path);
        var compared = 0;
        var inSection = false;
        FrameDescription? fde = null;
        string[] columns = [];
        var inCie = false;
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("Contents of the ", StringComparison.Ordinal))
            {
                inSection = line.Contains($" {section} ", StringComparison.Ordinal);
                continue;
            }
            if (!inSection)
                continue;
            if (CieLine().IsMatch(line))
            {
                (fde, inCie) = (null, true);
                continue;
            }
            if (FdeLine().Match(line) is { Success: true } fdeMatch)
            {
                inCie = false;
                var offset = int.Parse(fdeMatch.Groups["offset"].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                var begin = ulong.Parse(fdeMatch.Groups["begin"].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                if (!fdes.TryGetValue(offset, out fde))
                {
                    Assert.True(begin == 0, $"{path} {section}: no FDE at 0x{offset:x}: {line}");
                    continue;
                }
                Assert.Equal(begin, fde.PcBegin);
                Assert.Equal(ulong.Parse(fdeMatch.Groups["end"].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture), fde.PcEnd);
                continue;
            }
            var header = HeaderLine().Match(line);
            if (header.Success)
            {
                columns = ["CFA", .. header.Groups["columns"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
                continue;
            }
            var row = RowLine().Match(line);
            if (!row.Success)
                continue;
            // A register rule prints as "r9 (r9)": one cell with a space in it.
            var cells = Cell().Matches(row.Groups["cells"].Value).Select(m => m.Value).ToArray();
            if (inCie || fde is null)
                continue;
            var location = ulong.Parse(row.Groups["location"].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            var ours = CfiProgram.RowAt(fde, location);
            Assert.True(cells.Length == columns.Length, line);
            for (var i = 0; i < columns.Length; i++)
            {
                var expected = cells[i];
                var actual = i == 0 ? Cfa(ours.Cfa) : Rule(ours.Rule(Register(columns[i])));
                Assert.True(expected == actual, $"{path} {section} FDE 0x{fde.Offset:x} at 0x{location:x}, {columns[i]}: readelf {expected}, ours {actual}");
            }
            compared++;
        }
        return compared;
    }

    /// <summary>readelf's frames-interp dump; it exits with 1 for libc (whose separate debug file is not installed) after a whole dump.</summary>
    private static string Readelf(string path)
    {
        var start = new ProcessStartInfo("readelf") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--debug-dump=frames-interp");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(output.Contains("Contents of the ", StringComparison.Ordinal), $"readelf failed ({process.ExitCode}): {error.Result}");
        return output;
    }

    private static string Cfa(CfaRule rule) => rule.IsExpression
        ? "exp"
        : X64Registers.Name(rule.Register) + rule.Offset.ToString("+0;-0", CultureInfo.InvariantCulture);

    private static string Rule(RegisterRule rule) => rule.Kind switch
    {
        RegisterRuleKind.Unset or RegisterRuleKind.Undefined => "u",
        RegisterRuleKind.SameValue => "s",
        RegisterRuleKind.Offset => "c" + rule.Offset.ToString("+0;-0", CultureInfo.InvariantCulture),
        RegisterRuleKind.ValueOffset => "v" + rule.Offset.ToString("+0;-0", CultureInfo.InvariantCulture),
        RegisterRuleKind.Register => $"r{rule.Register} ({X64Registers.Name(rule.Register)})",
        RegisterRuleKind.Expression => "exp",
        RegisterRuleKind.ValueExpression => "vexp",
        _ => "?",
    };

    private static int Register(string column) => column == "ra" ? X64Registers.ReturnAddress
        : Enumerable.Range(0, 17).First(r => X64Registers.Name(r) == column);

    [GeneratedRegex(@"^(?<offset>[0-9a-f]{8}) [0-9a-f]+ [0-9a-f]+ CIE")]
    private static partial Regex CieLine();

    [GeneratedRegex(@"^(?<offset>[0-9a-f]{8}) [0-9a-f]+ [0-9a-f]+ FDE cie=[0-9a-f]+ pc=(?<begin>[0-9a-f]+)\.\.(?<end>[0-9a-f]+)")]
    private static partial Regex FdeLine();

    [GeneratedRegex(@"^\s+LOC\s+CFA(?<columns>.*)$")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"r\d+ \([^)]*\)|\S+")]
    private static partial Regex Cell();

    [GeneratedRegex(@"^(?<location>[0-9a-f]{16}) (?<cells>.*)$")]
    private static partial Regex RowLine();
}
