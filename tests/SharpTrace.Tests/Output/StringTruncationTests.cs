using SharpTrace.Output;
using SharpTrace.Runtime;
using SharpTrace.Semantics;
using SharpTrace.Tests.Lowering;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Output;

/// <summary>
/// The newest bpftrace's mark of a truncated string (types_format.cpp): a string value that fills its whole buffer,
/// with no NUL in it, prints with the config's <c>str_trunc_trailer</c> (<c>..</c> by default) after its text, in
/// print, printf, map keys and values, tuples and JSON alike. bpftrace 0.17 prints no trailer (docs/differences.md).
/// </summary>
public class StringTruncationTests
{
    private static byte[] Bytes(string text, int size)
    {
        var bytes = new byte[size];
        System.Text.Encoding.ASCII.GetBytes(text).CopyTo(bytes, 0);
        return bytes;
    }

    [Fact]
    public void AStringThatFillsItsBufferEndsWithTheTrailer()
    {
        var value = ValueDecoder.Decode(new StringType(5), Bytes("/tmp/", 5), OfflineDecoding.With(".."));

        Assert.Equal("/tmp/..", TextOutputWriter.FormatValue(value));
        Assert.Equal("\"/tmp/..\"", JsonOutputWriter.FormatValue(value, 1));
    }

    [Fact]
    public void AStringWithItsNulInsideTheBufferHasNoTrailer()
    {
        Assert.Equal("/tmp", TextOutputWriter.FormatValue(ValueDecoder.Decode(new StringType(5), Bytes("/tmp", 5), OfflineDecoding.With(".."))));
        Assert.Equal("", TextOutputWriter.FormatValue(ValueDecoder.Decode(new StringType(5), Bytes("", 5), OfflineDecoding.With(".."))));
    }

    [Fact]
    public void TheTrailerIsTheConfiguredOne()
    {
        var value = ValueDecoder.Decode(new StringType(5), Bytes("/tmp/", 5), OfflineDecoding.With("_xxx"));

        Assert.Equal("/tmp/_xxx", TextOutputWriter.FormatValue(value));
    }

    [Fact]
    public void StringsInsideTuplesAndRecordsAreMarkedToo()
    {
        var tuple = new TupleType([new StringType(4), BpfType.Int64, new StringType(4)]);
        var bytes = new byte[tuple.Size];
        Bytes("abcd", 4).CopyTo(bytes, tuple.OffsetOf(0));
        bytes[tuple.OffsetOf(1)] = 7;
        Bytes("xy", 4).CopyTo(bytes, tuple.OffsetOf(2));

        var value = ValueDecoder.Decode(tuple, bytes, OfflineDecoding.With(".."));

        Assert.Equal("(abcd.., 7, xy)", TextOutputWriter.FormatValue(value));
        Assert.Equal("[\"abcd..\",7,\"xy\"]", JsonOutputWriter.FormatValue(value, 1));
    }

    [Fact]
    public void StringsInsideRecordsAreMarkedToo()
    {
        var record = new TupleType([new StringType(4), new StringType(4)]) { Names = ["a", "b"] };
        var bytes = new byte[record.Size];
        Bytes("abcd", 4).CopyTo(bytes, record.OffsetOf(0));
        Bytes("xy", 4).CopyTo(bytes, record.OffsetOf(1));

        var value = ValueDecoder.Decode(record, bytes, OfflineDecoding.With(".."));

        Assert.Equal("{ .a = abcd.., .b = xy }", TextOutputWriter.FormatValue(value));
        Assert.Equal("{\"a\": \"abcd..\", \"b\": \"xy\"}", JsonOutputWriter.FormatValue(value, 1));
    }

    [Fact]
    public void TheDefaultConfigsDecodingMarksWithTwoDots()
    {
        Assert.Equal("/tmp/..", TextOutputWriter.FormatValue(ValueDecoder.Decode(new StringType(5), Bytes("/tmp/", 5), OfflineDecoding.Default())));
    }

    // The newest types a char[N] member of a struct from BTF or DWARF as string[N] (btf.cpp, dwarf_parser.cpp) and
    // formats a record's members as it formats any value of their type, so a member that fills its array is marked.
    [Fact]
    public void CharArrayMembersOfAWholeStructAndArraysOfThemAreMarkedEachAlone()
    {
        var type = CDeclarationKit.ReadClean("struct names { int id; char full[4]; char fits[4]; char empty[4]; char grid[2][3]; }; BEGIN { }").Struct("struct names");
        var bytes = new byte[type.Size];
        bytes[0] = 1;
        Bytes("abcd", 4).CopyTo(bytes, 4);
        Bytes("xyz", 4).CopyTo(bytes, 8);
        Bytes("pqr", 3).CopyTo(bytes, 16);
        Bytes("s", 3).CopyTo(bytes, 19);

        var value = ValueDecoder.Decode(new CValueType(type, IsUserSpace: true), bytes, OfflineDecoding.With("~~"));

        Assert.Equal("{ .id = 1, .full = abcd~~, .fits = xyz, .empty = , .grid = [pqr~~,s] }", TextOutputWriter.FormatValue(value));
        Assert.Equal("""{"id": 1, "full": "abcd~~", "fits": "xyz", "empty": "", "grid": ["pqr~~","s"]}""", JsonOutputWriter.FormatValue(value, 1));
    }

    [Fact]
    public void TheTrailerIsTwoDotsByDefaultAndSetByTheConfigBlockOrTheEnvironment()
    {
        Assert.Equal("..", new ProgramConfig().StrTruncTrailer);
        Assert.Equal("_xxx", ConfigVariables.TrySet(new ProgramConfig(), "str_trunc_trailer", "_xxx", out var error)!.StrTruncTrailer);
        Assert.Null(error);
        var fromEnvironment = new ProgramConfig().WithEnvironment(new Dictionary<string, string> { ["BPFTRACE_STR_TRUNC_TRAILER"] = "~" }, out _)!;
        Assert.Equal("~", fromEnvironment.StrTruncTrailer);
        Assert.Contains("str_trunc_trailer", ConfigVariables.Effective);
    }

    // The newest reads str() into max_strlen + 1 bytes while max_strlen is under 1024 (config.cpp pad_max_strlen) and
    // keeps max_strlen of them; we read max_strlen and, when that filled the buffer, the source's next byte over the NUL.
    [Theory]
    [InlineData("config = { max_strlen = 16 } kprobe:vfs_read { @s = str(arg1); }", true)]
    [InlineData("config = { max_strlen = 16 } kprobe:vfs_read { @s = str(arg1, 40); }", true)]
    [InlineData("config = { max_strlen = 16 } kprobe:vfs_read { @s = str(arg1, arg2); }", true)]
    [InlineData("config = { max_strlen = 16 } kprobe:vfs_read { @s = str(arg1, 8); }", false)]
    [InlineData("config = { max_strlen = 1024 } kprobe:vfs_read { @s = str(arg1); }", false)]
    public void StrReadsTheByteAfterAFullBufferOnlyWhereTheNewestReadsOneMore(string script, bool reads)
    {
        var ir = LoweringKit.Ir(script);

        Assert.Equal(reads, ir.Contains("str_whole", StringComparison.Ordinal));
    }
}
