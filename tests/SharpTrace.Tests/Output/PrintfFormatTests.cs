using SharpTrace.Output;
using static SharpTrace.Tests.Output.OutputTestKit;

namespace SharpTrace.Tests.Output;

/// <summary>printf formatting, against bpftrace 0.17 runs (script in each comment); argument checks are in Semantics/PrintfCheckerTests.</summary>
public class PrintfFormatTests
{
    // BEGIN { printf("%5.2s|%-5d|%05d|%x|%X|%c|%%|%p|%u|%d|%lu|%hhd|%hu|%hhx\n", "abc", 3, 4, 255, 255, 65, 0x1234, -1,
    //                -7, -1, 300, 70000, -1); exit(); }
    [Fact]
    public void CommonConversionsAsBpftracePrintsThem() => Assert.Equal(
        "   ab|3    |00004|ff|FF|A|%|0x1234|4294967295|-7|18446744073709551615|44|4464|ff\n",
        PrintfFormatter.Format("%5.2s|%-5d|%05d|%x|%X|%c|%%|%p|%u|%d|%lu|%hhd|%hu|%hhx\n",
            [S("abc"), I(3), I(4), I(255), I(255), I(65), I(0x1234), I(-1), I(-7), I(-1), I(300), I(70000), I(-1)]));

    // BEGIN { printf("%-8s|%8s|%.1s|%3c|%-3c|\n", "ab", "cd", "ef", 66, 67); exit(); }
    [Fact]
    public void StringAndCharWidths() => Assert.Equal(
        "ab      |      cd|e|  B|C  |\n",
        PrintfFormatter.Format("%-8s|%8s|%.1s|%3c|%-3c|\n", [S("ab"), S("cd"), S("ef"), I(66), I(67)]));

    // BEGIN { printf("%10p|%-10x|%.5d|%.0d|%08.3d|\n", 1, 2, 3, 0, 5); exit(); }
    [Fact]
    public void PrecisionOfIntegers() => Assert.Equal(
        "       0x1|2         |00003||     005|\n",
        PrintfFormatter.Format("%10p|%-10x|%.5d|%.0d|%08.3d|\n", [I(1), I(2), I(3), I(0), I(5)]));

    // BEGIN { printf("%s|%d\n", "", (uint64)-1); exit(); }
    // BEGIN { printf("%u %x %d\n", (uint32)-1, (int32)-1, (uint8)200); exit(); }
    // BEGIN { printf("%ld %lx %hx %hd %hhu\n", -1, -1, -1, 65535, 256+7); exit(); }
    [Fact]
    public void LengthModifiersChooseTheWidthAsInC()
    {
        Assert.Equal("|-1\n", PrintfFormatter.Format("%s|%d\n", [S(""), U(ulong.MaxValue)]));
        Assert.Equal("4294967295 ffffffff 200\n",
            PrintfFormatter.Format("%u %x %d\n", [new IntegerValue(0xffffffff, false), I(-1), new IntegerValue(200, false)]));
        Assert.Equal("-1 ffffffffffffffff ffff -1 7\n",
            PrintfFormatter.Format("%ld %lx %hx %hd %hhu\n", [I(-1), I(-1), I(-1), I(65535), I(263)]));
    }

    // BEGIN { $y = ((uint64)1 << 40) + 5;
    //         printf("%d %u %x %ld %c|%o %lo %ho %hho\n", $y, $y, $y, $y, 256+65, -1, -1, -1, -1); exit(); }
    [Fact]
    public void PlainConversionsTruncateTo32BitsAsBpftrace017Does()
    {
        var y = U((1UL << 40) + 5);
        Assert.Equal("5 5 5 1099511627781 A|37777777777 1777777777777777777777 177777 377\n",
            PrintfFormatter.Format("%d %u %x %ld %c|%o %lo %ho %hho\n", [y, y, y, y, I(321), I(-1), I(-1), I(-1), I(-1)]));
    }

    // BEGIN { printf("%lld %llu %hhd %hd %ld %lu %zd %jd\n", 1, 2, 3, 4, 5, 6, 7, 8); exit(); }
    // BEGIN { printf("<%-05d>\n", 42); exit(); }   BEGIN { printf("<%.3x>\n", 42); exit(); }
    // BEGIN { printf("<%o>\n", 42); exit(); }      BEGIN { printf("%q\n"); exit(); }
    [Fact]
    public void MoreConversionsAndUnknownOnesStayLiteral()
    {
        Assert.Equal("1 2 3 4 5 6 7 8\n",
            PrintfFormatter.Format("%lld %llu %hhd %hd %ld %lu %zd %jd\n", [I(1), I(2), I(3), I(4), I(5), I(6), I(7), I(8)]));
        Assert.Equal("<42   >\n", PrintfFormatter.Format("<%-05d>\n", [I(42)]));
        Assert.Equal("<02a>\n", PrintfFormatter.Format("<%.3x>\n", [I(42)]));
        Assert.Equal("<52>\n", PrintfFormatter.Format("<%o>\n", [I(42)]));
        Assert.Equal("%q\n", PrintfFormatter.Format("%q\n", []));
        Assert.Empty(PrintfFormat.Parse("%q and 100%").Conversions);
    }

    // bpftrace 0.17 does not know the flags + space # nor %i (it prints them literally); these follow C, checked
    // with coreutils: printf '[%+d|% d|%#x|%#o|%i|%+05d|%#X|%#x|%-+6d|%#.3o|% 05d|%.0d|%#.0o|%5.3d]\n'
    //                        5 5 255 8 -7 42 255 0 3 8 -4 0 0 7
    [Fact]
    public void CFlagsBeyondBpftrace017() => Assert.Equal(
        "[+5| 5|0xff|010|-7|+0042|0XFF|0|+3    |010|-0004||0|  007]\n",
        PrintfFormatter.Format("[%+d|% d|%#x|%#o|%i|%+05d|%#X|%#x|%-+6d|%#.3o|% 05d|%.0d|%#.0o|%5.3d]\n",
            [I(5), I(5), I(255), I(8), I(-7), I(42), I(255), I(0), I(3), I(8), I(-4), I(0), I(0), I(7)]));

    [Fact]
    public void NullPointerPrintsAsGlibcDoes() =>
        Assert.Equal("(nil)|0xff", PrintfFormatter.Format("%p|%p", [I(0), I(255)]));

    [Fact]
    public void ParseReturnsTheConversions()
    {
        var format = PrintfFormat.Parse("pid %-8lld comm %.4s %% %x\n");
        Assert.Collection(format.Conversions,
            c =>
            {
                Assert.Equal("%-8lld", c.Text);
                Assert.Equal(4, c.Offset);
                Assert.Equal("-", c.Flags);
                Assert.Equal(8, c.Width);
                Assert.Null(c.Precision);
                Assert.Equal("ll", c.Length);
                Assert.Equal('d', c.Conversion);
                Assert.Equal("lld", c.Token);
                Assert.Equal(PrintfArgumentKind.Integer, c.ArgumentKind);
            },
            c =>
            {
                Assert.Equal("%.4s", c.Text);
                Assert.Equal(4, c.Precision);
                Assert.Equal(PrintfArgumentKind.String, c.ArgumentKind);
            },
            c => Assert.Equal("%x", c.Text));
        Assert.Equal(PrintfArgumentKind.Buffer, PrintfFormat.Parse("%r").Conversions[0].ArgumentKind);
    }

    // The newest bpftrace's %s (format_string.cpp as_string: the value streamed as its text output prints it): any
    // value as print() shows it. bpftrace 0.17 refuses these at compile time (docs/differences.md). A width pads the
    // whole text (the newest pads only the first piece its stream writes: "(" of a tuple); a precision cuts strings
    // only (the newest applies none to %s).
    [Fact]
    public void PercentSPrintsAnyValueAsPrintShowsIt()
    {
        var record = new RecordValue([new RecordMember("id", I(7)), new RecordMember("label", S("alpha")), new RecordMember("values", new ArrayValue([I(1), I(-2), I(3)]))]);
        Assert.Equal("-7|true|false|(1, a, (2, b))|{ .id = 7, .label = alpha, .values = [1,-2,3] }|[1,-2,3]|{}|B|0x10\n",
            PrintfFormatter.Format("%s|%s|%s|%s|%s|%s|%s|%s|%s\n",
                [I(-7), new BooleanValue(true), new BooleanValue(false), T(I(1), S("a"), T(I(2), S("b"))), record,
                 new ArrayValue([I(1), I(-2), I(3)]), new RecordValue([]), SymbolicValue.Enumerator("B", 1), SymbolicValue.Address(16)]));
        Assert.Equal("|    7|true  |  (1, 2)|12345|B    |\n",
            PrintfFormatter.Format("|%5s|%-6s|%8s|%.2s|%-5s|\n", [I(7), new BooleanValue(true), T(I(1), I(2)), I(12345), SymbolicValue.Enumerator("B", 1)]));
    }
}
