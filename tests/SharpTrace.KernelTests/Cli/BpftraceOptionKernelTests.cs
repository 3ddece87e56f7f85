using System.Text;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary>
/// bpftrace's options that sharptrace accepts without an effect, bpftrace 0.17's bare -d, and --help's examples, run
/// through the real binary.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class BpftraceOptionKernelTests : KernelTest
{
    private const string Program = "BEGIN { printf(\"ok\\n\"); exit(); }";

    [Fact]
    public async Task OptionsWithoutEffectRunAsWithout()
    {
        var result = await SharpTraceRun.RunAsync(["-b", "--btf", "--usdt-file-activation", "--no-feature", "uprobe_multi,kprobe_multi",
            "--verify-llvm-ir", "--debuginfo", "/usr/lib/debug", "--quiet", "-e", Program]);
        Assert.Equal((0, "ok\n", ""), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Theory]
    [InlineData("--dwarf-pid", "1")]
    [InlineData("--traceable-functions", "/nonexistent")]
    public async Task IgnoredOptionsWarnOnceAndRun(string option, string value)
    {
        var result = await SharpTraceRun.RunAsync([option, value, "-q", "-e", Program]);
        Assert.Equal((0, "ok\n"), (result.ExitCode, result.Stdout));
        Assert.Matches($"^WARNING: {option} is ignored: [^\n]+\n$", result.Stderr);

        var quiet = await SharpTraceRun.RunAsync([option, value, "-q", "--no-warnings", "-e", Program]);
        Assert.Equal((0, "ok\n", ""), (quiet.ExitCode, quiet.Stdout, quiet.Stderr));
    }

    [Theory]
    [InlineData("--emit-elf")]
    [InlineData("--emit-llvm")]
    [InlineData("--aot")]
    [InlineData("--mode")]
    public async Task OptionsThatCannotWorkRefuseInOneLine(string option)
    {
        var file = Path.Combine(Path.GetTempPath(), $"sharptrace-emit-{Guid.NewGuid():N}");
        string[] value = option switch
        {
            "--mode" => ["codegen"],
            _ => [file],
        };
        var result = await SharpTraceRun.RunAsync([option, .. value, "-e", Program]);
        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.Matches($"^ERROR: {option}[^\n]*\n$", result.Stderr);
        Assert.False(File.Exists(file) || File.Exists(file + ".original.ll"));
    }

    [Theory]
    [InlineData("-d")]
    [InlineData("-dd")]
    public async Task BareDebugPrintsEveryStageAndRunsNothing(string option)
    {
        // bpftrace 0.17: "-d (dry run) debug info" prints the AST and the code, then exits without running.
        var result = await SharpTraceRun.RunAsync([option, "-e", Program]);
        var stages = await SharpTraceRun.RunAsync(["-d", "all", "-e", Program]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(stages.Stdout, result.Stdout);
        Assert.Contains("BEGIN", result.Stdout);
        Assert.DoesNotContain("ok\n", result.Stdout);
        Assert.DoesNotContain("Attached", result.Stderr);
    }

    [Fact]
    public async Task EveryHelpExampleLoadsOnThisKernel()
    {
        var help = await SharpTraceRun.RunAsync(["--help"]);
        Assert.Equal(0, help.ExitCode);
        var examples = help.Stdout[help.Stdout.IndexOf("\nEXAMPLES:\n", StringComparison.Ordinal)..].Split('\n')
            .Select(l => l.Trim()).Where(l => l.StartsWith("sharptrace ", StringComparison.Ordinal)).ToList();
        Assert.True(examples.Count >= 5);
        foreach (var example in examples)
        {
            var words = ShellWords(example);
            // A listing runs as it is; a trace is compiled and loaded into the kernel, then ends (--dry-run).
            var listing = words.Any(w => w.StartsWith("-l", StringComparison.Ordinal));
            var result = await SharpTraceRun.RunAsync(listing ? words : ["--dry-run", .. words]);
            Assert.True(result.ExitCode == 0, $"{example}: {result.Stderr}");
            Assert.DoesNotContain("ERROR", result.Stderr);
            if (listing)
                Assert.NotEmpty(result.Stdout);
        }
    }

    /// <summary>The words after the command name, split as a POSIX shell splits them (the examples quote with ' only).</summary>
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false, any = false;
        foreach (var c in line[(line.IndexOf(' ') + 1)..] + " ")
        {
            if (c == '\'')
                (quoted, any) = (!quoted, true);
            else if (c == ' ' && !quoted)
            {
                if (any)
                    words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }
        return words.ToArray();
    }
}
