using SharpTrace.Cli;
using static SharpTrace.Tests.Cli.CommandLine;
using SharpTrace.Output;

namespace SharpTrace.Tests.Cli;

/// <summary><c>-f folded</c> and <c>--flamegraph FILE</c> as the command line reads them, and the writers they choose.</summary>
public sealed class FoldedAndFlameGraphOptionTests
{
    [Theory]
    [InlineData("-f", "folded")]
    [InlineData("-ffolded")]
    public void FoldedIsAnOutputFormat(params string[] format) =>
        Assert.Equal("folded", Parse([.. format, "-e", "BEGIN {}"]).Format);

    [Fact]
    public void AnUnknownFormatNamesTheThreeFormats() =>
        Assert.Contains("Must be one of: 'text' 'json' 'folded'", ParseError("-f", "svg", "-e", "BEGIN {}"), StringComparison.Ordinal);

    [Fact]
    public void FlameGraphTakesAFileAndCombinesWithAnyFormat()
    {
        var options = Parse("-f", "json", "--flamegraph", "out.svg", "-e", "BEGIN {}");

        Assert.Equal(("json", "out.svg"), (options.Format, options.FlameGraphFile));
        Assert.Null(Parse("-e", "BEGIN {}").FlameGraphFile);
    }

    [Fact]
    public void FlameGraphWithoutAFileIsAnError()
    {
        Assert.Equal("--flamegraph needs a file name, such as --flamegraph profile.svg", ParseError("--flamegraph", "", "-e", "BEGIN {}"));
        Assert.NotEmpty(ParseError("-e", "BEGIN {}", "--flamegraph"));
    }

    [Theory]
    [InlineData("text", typeof(TextOutputWriter))]
    [InlineData("json", typeof(JsonOutputWriter))]
    [InlineData("folded", typeof(FoldedOutputWriter))]
    public void EachFormatHasItsWriterAndFlameGraphWrapsIt(string format, Type writer)
    {
        Assert.IsType(writer, OutputTarget.Writer(format, TextWriter.Null, null, "", null));
        Assert.IsType<FlameGraphOutputWriter>(OutputTarget.Writer(format, TextWriter.Null, TextWriter.Null, "", null));
    }

    [Fact]
    public void AFlameGraphFileThatCannotBeCreatedFailsAtOnceNamingTheOption()
    {
        var error = Assert.Throws<IOException>(() => OutputTarget.OpenFlameGraph("/nonexistent-dir/out.svg"));
        Assert.StartsWith("--flamegraph /nonexistent-dir/out.svg: ", error.Message, StringComparison.Ordinal);
    }
}
