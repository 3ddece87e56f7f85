using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// A thousand uprobes and a thousand uretprobes on one binary (uprobe_multi links: one per program and file): every
/// function's calls are counted under its own probe name, and nothing stays loaded. tests/programs/many_functions.c
/// calls each of its 1,000 functions once, then fn_000 four more times.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class ManyUprobesTests : KernelTest
{
    private static readonly Dictionary<string, string> ManyProbes = new() { ["BPFTRACE_MAX_PROBES"] = "3000" };

    [Fact]
    public async Task AThousandUprobesCountEveryCallUnderItsOwnName()
    {
        var program = TestPrograms.PathOf("many_functions");
        var script = $"uprobe:{program}:fn_* {{ @[probe] = count(); }} uretprobe:{program}:fn_* {{ @returns = count(); }}";

        var result = await SharpTraceRun.RunAsync(["-e", script, "-c", program], ManyProbes);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Attached 2000 probes", result.Stderr);
        var counts = EntryLine().Matches(result.Stdout).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        Assert.Equal(1000, counts.Count);
        Assert.Equal(5, counts[$"uprobe:{program}:fn_000"]);
        Assert.All(counts.Where(c => !c.Key.EndsWith(":fn_000", StringComparison.Ordinal)), c => Assert.Equal(1, c.Value));
        Assert.Contains("fn_999", string.Concat(counts.Keys));
        Assert.Matches(@"(?m)^@returns: 1004$", result.Stdout);
    }

    [GeneratedRegex(@"^@\[([^\]]+)\]: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex EntryLine();
}
