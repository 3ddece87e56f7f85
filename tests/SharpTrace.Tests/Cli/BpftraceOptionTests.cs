using SharpTrace.Cli;
using static SharpTrace.Tests.Cli.CommandLine;

namespace SharpTrace.Tests.Cli;

/// <summary>
/// Every option of bpftrace 0.17's and the newest bpftrace's --help is accepted: the long forms, 0.17's bare -d and
/// -dd, and the options with no effect here, which either run on, warn in one line, or refuse in one line.
/// </summary>
public sealed class BpftraceOptionTests
{
    [Fact]
    public void LongFormsMeanWhatTheShortOnesMean()
    {
        var options = Parse("--list", "--verbose", "--quiet", "--output", "out.txt", "--debug", "ast", "--warnings", "-e", "BEGIN {}", "sched:*");
        Assert.Equal((true, true, true, "out.txt", 1, "sched:*"),
            (options.List, options.Verbose, options.Quiet, options.OutputFile, options.HelperErrorChecks, options.ListPattern));
        Assert.Equal(["ast"], options.DebugStages.ToArray());
        Assert.Equal(42, Parse("--pid", "42", "-e", "x").Pid);
        Assert.Equal("ls /", Parse("--cmd", "ls /", "-e", "x").Command);
    }

    [Theory]
    [InlineData("-d", "-e", "BEGIN {}")]
    [InlineData("-e", "BEGIN {}", "-d")]
    [InlineData("--debug", "-e", "BEGIN {}")]
    public void BareDebugPrintsEveryStageAsInBpftrace017(params string[] args)
    {
        var options = Parse(args);
        Assert.Equal(["ast", "types", "ir", "bpf"], options.DebugStages.ToArray());
        Assert.Equal((false, "BEGIN {}"), (options.Compatibility.VerboseDebug, options.Program));
    }

    [Fact]
    public void BareDebugBeforeAScriptLeavesTheScriptAFile()
    {
        var options = Parse("-d", "script.bt", "5");
        Assert.Equal(["ast", "types", "ir", "bpf"], options.DebugStages.ToArray());
        Assert.Equal("script.bt", options.ScriptFile);
        Assert.Equal(["5"], options.Parameters);
    }

    [Fact]
    public void DoubleDIsVerboseDebugOfEveryStage()
    {
        var options = Parse("-dd", "-e", "BEGIN {}");
        Assert.Equal(["ast", "types", "ir", "bpf"], options.DebugStages.ToArray());
        Assert.True(options.Compatibility.VerboseDebug);
    }

    [Fact]
    public void DebugBeforeAWordThatIsNoFileIsAStageSoAMisspeltStageIsAnError() =>
        Assert.Contains("Invalid debug stage 'asts'", ParseError("-d", "asts", "-e", "x"));

    [Fact]
    public void DebugStageFormsStillWork()
    {
        Assert.Equal(["bpf"], Parse("-d", "bpf", "-e", "x").DebugStages.ToArray());
        Assert.Equal(["ast", "bpf"], Parse("--debug", "ast,bpf", "-e", "x").DebugStages.ToArray());
        // An option's value is not mistaken for -d: the parameter after -- stays as given.
        Assert.Equal(["-d"], Parse("-e", "x", "--", "-d").Parameters.ToArray());
        Assert.Empty(Parse("-e", "x", "--", "-d").DebugStages);
    }

    [Theory]
    [InlineData("-b")]
    [InlineData("--btf")]
    [InlineData("--usdt-file-activation")]
    [InlineData("--verify-llvm-ir")]
    [InlineData("--no-feature", "kprobe_multi")]
    [InlineData("--no-feature", "kprobe_multi,kprobe_session,uprobe_multi")]
    public void OptionsWithoutEffectRunSilently(params string[] option)
    {
        var options = Parse([.. option, "-e", "BEGIN {}"]);
        Assert.Null(options.Compatibility.Refusal);
        Assert.Empty(options.Compatibility.Notices);
    }

    [Fact]
    public void DebugInfoDirectoriesAreKeptInOrderWithoutNotice()
    {
        var options = Parse("--debuginfo", "/a:+./b", "--debuginfo=..", "-e", "BEGIN {}");
        Assert.Equal(["/a:+./b", ".."], options.DebugInfoDirectories);
        Assert.Empty(options.Compatibility.Notices);
    }

    [Fact]
    public void BtfBundlesWithOtherFlags() => Assert.Equal((true, true), Parse("-bq", "-e", "x") is var o ? (o.Compatibility.Btf, o.Quiet) : default);

    [Theory]
    [InlineData("--dwarf-pid", "1", "--dwarf-pid is ignored")]
    [InlineData("--traceable-functions", "/tmp/f", "kprobe")]
    public void IgnoredOptionsWarnInOneLine(string option, string value, string expected)
    {
        var notice = Assert.Single(Parse(option, value, "-e", "BEGIN {}").Compatibility.Notices);
        Assert.Contains(expected, notice);
        Assert.DoesNotContain('\n', notice);
        Assert.Null(Parse(option, value, "-e", "BEGIN {}").Compatibility.Refusal);
    }

    [Theory]
    [InlineData("--emit-elf", "out.o", "--emit-elf")]
    [InlineData("--emit-llvm", "out", "--emit-llvm")]
    [InlineData("--aot", "out", "--aot")]
    [InlineData("--mode", "codegen", "--mode codegen")]
    [InlineData("--mode", "compiler-bench", "--mode compiler-bench")]
    public void OptionsThatCannotWorkHereRefuseInOneLine(string option, string? value, string expected)
    {
        var refusal = Parse([option, .. value is null ? Array.Empty<string>() : [value], "-e", "BEGIN {}"]).Compatibility.Refusal;
        Assert.NotNull(refusal);
        Assert.Contains(expected, refusal);
        Assert.DoesNotContain('\n', refusal);
    }

    [Theory]
    [InlineData("--fmt")]
    [InlineData("--mode", "format")]
    public void FmtAndModeFormatSelectTheFormatter(params string[] option)
    {
        var compatibility = Parse([.. option, "-e", "BEGIN {}"]).Compatibility;
        Assert.Equal("format", compatibility.Mode);
        Assert.Null(compatibility.Refusal);
    }

    [Fact]
    public void BadValuesAreOneLineErrorsAsInBpftrace()
    {
        Assert.Equal("--no-feature can only have values 'kprobe_multi,kprobe_session,uprobe_multi'", ParseError("--no-feature", "fentry", "-e", "x"));
        Assert.Contains("nonsense", ParseError("--mode", "nonsense", "-e", "x"));
        Assert.Contains("exclude each other", ParseError("--test", "--fmt", "-e", "x"));
        Assert.StartsWith("Invalid --probe-filter regex '(': ", ParseError("--probe-filter", "(", "-e", "x"));
    }

    [Fact]
    public void ProbeFilterIsARegexSearchedForInProbeNames()
    {
        var filter = Parse("--probe-filter", "sys_enter_(open|close)", "-e", "BEGIN {}").ProbeFilter;

        Assert.NotNull(filter);
        Assert.Matches(filter, "tracepoint:syscalls:sys_enter_openat");
        Assert.DoesNotMatch(filter, "tracepoint:syscalls:sys_enter_read");
        Assert.Null(Parse("-e", "BEGIN {}").ProbeFilter);
    }

    [Fact]
    public void PidIsTheLongFormOfP() =>
        Assert.Equal(1, Parse("--pid", "1", "-e", "BEGIN {}").Pid);
}
