using SharpTrace.Output;
using SharpTrace.Runtime;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Output;

/// <summary>
/// Values of an enum type decoded and printed as the newest bpftrace prints them (types_format.cpp's enum case, its
/// text and JSON emitters, tests/runtime/other "symbolize enum ..." and json-output enum_not_symbolized): the
/// enumerator's name in text and printf's <c>%s</c>, the number in JSON and with <c>%d</c>, a value no enumerator has
/// as its number; map keys in JSON as their text (the name); maps ordered by the number.
/// </summary>
public class EnumValueTests
{
    private static readonly CEnumType Baz = new("BAZ", 4, false, [new CEnumValue("FOO", 333), new CEnumValue("BAR", 334)]);
    private static readonly CEnumType Signed = new("s", 4, true, [new CEnumValue("NEG", -1), new CEnumValue("ZERO", 0)]);

    private static RuntimeValue Decode(IntegerType type, long value) =>
        ValueDecoder.Decode(type, BitConverter.GetBytes(value).AsSpan(0, type.Bytes), OfflineDecoding.Default());

    [Fact]
    public void AValuePrintsItsEnumeratorsNameInTextAndItsNumberInJson()
    {
        var value = Decode(BpfType.Int64 with { Enum = Baz }, 333);

        Assert.Equal("FOO", TextOutputWriter.FormatValue(value));
        Assert.Equal("333", JsonOutputWriter.FormatValue(value));
    }

    [Fact]
    public void AValueNoEnumeratorHasPrintsAsItsNumber()
    {
        // "no symbolize int cast to unknown enum variant": print((enum BAZ)$x) with $x = 444 prints 444.
        var value = Decode(BpfType.Int64 with { Enum = Baz }, 444);

        Assert.Equal("444", TextOutputWriter.FormatValue(value));
        Assert.Equal("444", JsonOutputWriter.FormatValue(value));
    }

    [Fact]
    public void AFieldOfTheEnumsOwnWidthAndASignExtendedCopyNameTheSameEnumerator()
    {
        Assert.Equal("NEG", TextOutputWriter.FormatValue(Decode(new IntegerType(4, true) { Enum = Signed }, -1)));
        Assert.Equal("NEG", TextOutputWriter.FormatValue(Decode(BpfType.Int64 with { Enum = Signed }, -1)));
        // A 64-bit value past the enum's width is no enumerator of it.
        Assert.Equal("4294967296", TextOutputWriter.FormatValue(Decode(BpfType.Int64 with { Enum = Signed }, 1L << 32)));
    }

    [Theory]
    // printf_enum_symbolize, printf_enum_symbolize_width, printf_invalid_enum_symbolize_cast.
    [InlineData("%d %s", 333, "333 FOO")]
    [InlineData("%-5s|%5s|%x", 334, "BAR  |  BAR|14e")]
    [InlineData("%d %s", 100, "100 100")]
    public void PrintfPrintsTheNameForSAndTheNumberForIntegerConversions(string format, long number, string expected)
    {
        var value = Decode(BpfType.Int64 with { Enum = Baz }, number);

        Assert.Equal(expected, PrintfFormatter.Format(format, Enumerable.Repeat(value, format.Count(c => c == '%')).ToList()));
    }

    [Fact]
    public void EnumKeysAndValuesPrintByNameAndSortByNumber()
    {
        var type = BpfType.Int64 with { Enum = Baz };
        var map = MapSnapshot.Keyed("@m",
            new MapEntry([Decode(type, 444)], new IntegerValue(1)),
            new MapEntry([Decode(type, 334)], new IntegerValue(7)),
            new MapEntry([Decode(type, 333)], new IntegerValue(7)));
        var values = MapSnapshot.Keyed("@v",
            new MapEntry([new IntegerValue(1)], Decode(type, 444)),
            new MapEntry([new IntegerValue(2)], Decode(type, 333)));

        // Equal values are ordered by their keys, an enum key by its number (FOO 333 before BAR 334).
        Assert.Equal("@m[444]: 1\n@m[FOO]: 7\n@m[BAR]: 7\n", TextOutputWriter.FormatMap(map));
        Assert.Equal("""{"type": "map", "data": {"@m": {"444": 1, "FOO": 7, "BAR": 7}}}""" + "\n", JsonOutputWriter.FormatMap(map));
        Assert.Equal("@v[2]: FOO\n@v[1]: 444\n", TextOutputWriter.FormatMap(values));
        Assert.Equal("""{"type": "map", "data": {"@v": {"2": 333, "1": 444}}}""" + "\n", JsonOutputWriter.FormatMap(values));
    }

    [Fact]
    public void ATupleOfEnumsPrintsTheirNames()
    {
        // "symbolize enum in tuple map value": @ = (ONE, TWO) prints @: (ONE, TWO).
        var type = new TupleType([BpfType.Int64 with { Enum = Baz }, BpfType.Int64 with { Enum = Baz }]);
        var bytes = new byte[16];
        BitConverter.GetBytes(333L).CopyTo(bytes, 0);
        BitConverter.GetBytes(334L).CopyTo(bytes, 8);

        var value = ValueDecoder.Decode(type, bytes, OfflineDecoding.Default());

        Assert.Equal("(FOO, BAR)", TextOutputWriter.FormatValue(value));
        Assert.Equal("[333,334]", JsonOutputWriter.FormatValue(value));
    }
}
