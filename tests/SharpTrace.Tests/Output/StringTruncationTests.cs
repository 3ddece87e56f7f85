using SharpTrace.Output;
using SharpTrace.Runtime;
using SharpTrace.Semantics;
using SharpTrace.Tests.Lowering;

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
        var value = ValueDecoder.Decode(new StringType(5), Bytes("/tmp/", 5), truncationTrailer: "..");

        Assert.Equal("/tmp/..", TextOutputWriter.FormatValue(value));
        Assert.Equal("\"/tmp/..\"", JsonOutputWriter.FormatValue(value, 1));
    }

    [Fact]
    public void AStringWithItsNulInsideTheBufferHasNoTrailer()
    {
        Assert.Equal("/tmp", TextOutputWriter.FormatValue(ValueDecoder.Decode(new StringType(5), Bytes("/tmp", 5), truncationTrailer: "..")));
        Assert.Equal("", TextOutputWriter.FormatValue(ValueDecoder.Decode(new StringType(5), Bytes("", 5), truncationTrailer: "..")));
    }

    [Fact]
    public void TheTrailerIsTheConfiguredOne()
    {
        var value = ValueDecoder.Decode(new StringType(5), Bytes("/tmp/", 5), truncationTrailer: "_xxx");

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

        var value = ValueDecoder.Decode(tuple, bytes, truncationTrailer: "..");

        Assert.Equal("(abcd.., 7, xy)", TextOutputWriter.FormatValue(value));
        Assert.Equal("[\"abcd..\",7,\"xy\"]", JsonOutputWriter.FormatValue(value, 1));
    }

    [Fact]
    public void WithoutATrailerTheTextIsKeptAsIs()
    {
        Assert.Equal("/tmp/", TextOutputWriter.FormatValue(ValueDecoder.Decode(new StringType(5), Bytes("/tmp/", 5))));
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
