using SharpTrace.Cli;
using static SharpTrace.Tests.Cli.CommandLine;

namespace SharpTrace.Tests.Cli;

/// <summary>The command line as bpftrace users type it, parsed without running anything.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void ShortOptionsBundleWithProgramLast() =>
        Assert.Equal(("BEGIN {}", true), Parse("-qe", "BEGIN {}") is var o ? (o.Program, o.Quiet) : default);

    [Fact]
    public void ProgramOptionMayComeAfterParameters()
    {
        var options = Parse("5", "-e", "BEGIN {}", "abc");
        Assert.Equal(("BEGIN {}", null), (options.Program, options.ScriptFile));
        Assert.Equal(["5", "abc"], options.Parameters);
    }

    [Fact]
    public void FirstArgumentIsTheScriptAndTheRestAreParameters()
    {
        var options = Parse("script.bt", "1", "two");
        Assert.Equal("script.bt", options.ScriptFile);
        Assert.Equal(["1", "two"], options.Parameters);
    }

    [Fact]
    public void DashReadsTheScriptFromStandardInput() => Assert.Equal("-", Parse("-", "7").ScriptFile);

    [Fact]
    public void ParametersThatLookLikeOptionsFollowDoubleDash() =>
        Assert.Equal(["-5", "-x"], Parse("-e", "BEGIN {}", "--", "-5", "-x").Parameters.ToArray());

    [Fact]
    public void UnknownOptionIsOneLineError() => Assert.Equal("invalid option -x", ParseError("-x", "-e", "BEGIN {}"));

    [Fact]
    public void InvalidFormatIsOneLineError()
    {
        var error = ParseError("-f", "xml", "-e", "BEGIN {}");
        Assert.DoesNotContain('\n', error);
        Assert.Contains("xml", error);
    }

    [Theory]
    [InlineData("-fjson", "json")]
    [InlineData("-f", "text")]
    public void FormatValueMayBeAttached(string option, string expected)
    {
        string[] args = option == "-f" ? [option, expected, "-e", "x"] : [option, "-e", "x"];
        Assert.Equal(expected, Parse(args).Format);
    }

    [Fact]
    public void ListFlagBundlesWithVerboseAndTakesThePatternAsArgument()
    {
        var options = Parse("-lv", "tracepoint:syscalls:*");
        Assert.Equal((true, true, "tracepoint:syscalls:*", null), (options.List, options.Verbose, options.ListPattern, options.ScriptFile));
    }

    [Fact]
    public void ListWithProgramListsItsProbes()
    {
        var options = Parse("-l", "-e", "BEGIN {}");
        Assert.Equal((true, "BEGIN {}", null), (options.List, options.Program, options.ListPattern));
    }

    [Fact]
    public void DebugStagesRepeatOrSeparateWithCommas()
    {
        Assert.Equal(["ast", "bpf"], Parse("-d", "ast,bpf", "-e", "x").DebugStages.ToArray());
        Assert.Equal(["ast", "bpf"], Parse("-d", "ast", "-d", "bpf", "-e", "x").DebugStages.ToArray());
        Assert.Equal(["ast", "types", "ir", "bpf"], Parse("-d", "all", "-e", "x").DebugStages.ToArray());
        Assert.Contains("Invalid debug stage 'llvm'", ParseError("-d", "llvm", "-e", "x"));
    }

    [Fact]
    public void ProcessOptions()
    {
        Assert.Equal(42, Parse("-p", "42", "-e", "x").Pid);
        Assert.Equal("sleep 1", Parse("-c", "sleep 1", "-e", "x").Command);
        Assert.Equal("-p and -c cannot be used together", ParseError("-p", "1", "-c", "true", "-e", "x"));
        Assert.Contains("positive", ParseError("-p", "0", "-e", "x"));
    }

    [Theory]
    [InlineData("line")]
    [InlineData("full")]
    [InlineData("none")]
    public void BufferingModes(string mode) => Assert.Equal(mode, Parse("-B", mode, "-e", "x").Buffering.ToString().ToLowerInvariant());

    [Fact]
    public void LineBufferingIsTheDefault() => Assert.Equal(OutputBuffering.Line, Parse("-e", "x").Buffering);

    [Fact]
    public void HelperErrorChecksCountKs()
    {
        Assert.Equal(0, Parse("-e", "x").HelperErrorChecks);
        Assert.Equal(1, Parse("-k", "-e", "x").HelperErrorChecks);
        Assert.Equal(2, Parse("-kk", "-e", "x").HelperErrorChecks);
    }

    [Fact]
    public void FlagsAndRepeatableOptions()
    {
        var options = Parse("--unsafe", "--dry-run", "--no-warnings", "--no-print-maps", "-I", "/a", "-I", "/b",
            "--include", "x.h", "-o", "out.txt", "-e", "x");
        Assert.Equal((true, true, true, true, "out.txt"), (options.Unsafe, options.DryRun, options.NoWarnings, options.NoPrintMaps, options.OutputFile));
        Assert.Equal(["/a", "/b"], options.IncludeDirectories.ToArray());
        Assert.Equal(["x.h"], options.Includes.ToArray());
    }

    [Fact]
    public void InfoAndVersion()
    {
        Assert.True(Parse("--info").Info);
        Assert.True(Parse("-V").Version);
        Assert.True(Parse("--version").Version);
        Assert.StartsWith("sharptrace v", Program.Version);
    }
}
