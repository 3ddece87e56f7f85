using SharpTrace.TestShared;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Differential;

/// <summary>
/// Every aggregation kind under sharptrace and bpftrace 0.17, text and JSON: equal stdout, except where DESIGN.md
/// (or docs/output.md) says we differ, and those differences are asserted explicitly below.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class AggregationDifferentialTests : KernelTest
{
    public static TheoryData<string> Scripts => new()
    {
        // Scalar aggregations, negative values included (but not max() of only negatives, see below).
        "BEGIN { @c = count(); @c = count(); @s = sum(5); @s = sum(-12); @a = avg(7); @a = avg(2); @mn = min(5); @mn = min(-3); @mx = max(7); @mx = max(12); @st = stats(10); @st = stats(21); exit(); }",
        // hist edge cases: negative, zero, one, powers of two and their neighbours.
        "BEGIN { @h = hist(0); @h = hist(-1); @h = hist(-100); @h = hist(1); @h = hist(2); @h = hist(1023); @h = hist(1024); @h = hist(1048576); @h = hist(2147483647); exit(); }",
        // lhist below min, at and above max, K suffixes.
        "BEGIN { @l = lhist(-3, 0, 100, 10); @l = lhist(150, 0, 100, 10); @l = lhist(100, 0, 100, 10); @l = lhist(15, 0, 100, 10); @l = lhist(99, 0, 100, 10); @k = lhist(3000, 0, 4096, 1024); @k = lhist(5000, 0, 4096, 1024); exit(); }",
        // Keyed aggregations, sorted by value (avg and stats by average, histograms by total).
        """BEGIN { @h[1] = hist(5); @h[2] = hist(100); @h[2] = hist(200); @st["a"] = stats(5); @st["b"] = stats(50); @mk[1] = min(4); @mk[2] = min(-9); @ak[1] = avg(10); @ak[2] = avg(3); @lk[1, "x"] = lhist(7, 0, 10, 2); exit(); }""",
        // print() with top and div during the run, then the maps at exit.
        "BEGIN { @k[1] = 40; @k[2] = 50; @k[3] = 10; @h[1] = hist(100); @h[2] = hist(3); @h[2] = hist(3); @c[1] = count(); @c[2] = count(); @c[2] = count(); print(@k, 2, 10); print(@h, 1); print(@c, 1); print(@k); exit(); }",
        // zero() of every scalar kind.
        "BEGIN { @c = count(); @s = sum(5); @a = avg(4); @mn = min(3); @mx = max(9); @st = stats(7); @h = hist(5); @l = lhist(5, 0, 10, 1); @v = 3; zero(@c); zero(@s); zero(@a); zero(@mn); zero(@mx); zero(@st); zero(@h); zero(@l); zero(@v); exit(); }",
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task TextIsWhatBpftracePrints(string script)
    {
        var (expected, actual) = await RunBothAsync(script, json: false);
        // The newest bpftrace writes a histogram's header without 0.17's space after the colon (docs/differences.md).
        Assert.Equal((0, Bpftrace017Text.WithNewestHistogramHeaders(expected.Stdout)), (actual.ExitCode, actual.Stdout));
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task JsonIsWhatBpftracePrintsWithoutItsBlankLines(string script)
    {
        var (expected, actual) = await RunBothAsync(script, json: true);
        JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        // DESIGN.md: JSON output never has an empty line; bpftrace 0.17 starts its exit section with two.
        Assert.Contains("\n\n\n", expected.Stdout);
        Assert.Equal((0, WithoutEmptyLines(expected.Stdout)), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task HistUsesAll64BitsWhereBpftraceTruncatesTo32()
    {
        const string script = "BEGIN { @h = hist(1 << 40); @h = hist(5); exit(); }";
        var (expected, actual) = await RunBothAsync(script, json: false);
        // docs/output.md: 0.17 puts every value of 2^32 or more in [2G, 4G); later versions and we use all 64 bits.
        Assert.Contains("[2G, 4G)               1 |", expected.Stdout);
        Assert.DoesNotContain("[1T, 2T)", expected.Stdout);
        Assert.StartsWith("\n\n@h:\n[4, 8)                 1 |", actual.Stdout);
        Assert.Contains("\n[1T, 2T)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n", actual.Stdout);
    }

    [Fact]
    public async Task HistBitsArgumentFollowsTheReferenceWhereBpftrace017RejectsIt()
    {
        const string script = "BEGIN { @h = hist(3, 2); @h = hist(9, 2); @h = hist(226, 2); exit(); }";
        var (expected, actual) = await RunBothAsync(script, json: false);
        Assert.NotEqual(0, expected.ExitCode);
        Assert.Contains("hist() requires one argument (2 provided)", expected.Stderr);
        // Buckets as bpftrace's "log2 histograms with finer granularity" reference lays them out.
        var lines = actual.Stdout.Split('\n');
        Assert.Equal("@h:", lines[2]);
        Assert.StartsWith("[3]                    1 |", lines[3]);
        Assert.StartsWith("[4]                    0 |", lines[4]);
        Assert.StartsWith("[8, 10)                1 |", lines[8]);
        Assert.StartsWith("[224, 256)             1 |", lines.Single(l => l.StartsWith("[224", StringComparison.Ordinal)));
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        Assert.Contains("{\"min\": 3, \"max\": 3, \"count\": 1}", json.Stdout);
        Assert.Contains("{\"min\": 8, \"max\": 9, \"count\": 1}", json.Stdout);
        Assert.Contains("{\"min\": 224, \"max\": 255, \"count\": 1}]", json.Stdout);
    }

    [Fact]
    public async Task MaxOfNegativeValuesIsKeptWhereBpftraceLosesIt()
    {
        const string script = "BEGIN { @mx = max(-5); @mx = max(-9); @mn = min(5); exit(); }";
        var (expected, actual) = await RunBothAsync(script, json: false);
        // bpftrace 0.17 starts max() at 0, so a map of negatives is never set: it prints a stray blank line instead.
        Assert.Equal("\n\n@mn: 5\n\n", expected.Stdout);
        Assert.Equal("\n\n@mn: 5\n@mx: -5\n", actual.Stdout);
    }

    [Fact]
    public async Task ClearDeleteAndZeroActAtOnceWhereBpftraceActsLater()
    {
        const string script = "BEGIN { @h[1] = hist(1); @h[2] = hist(3); delete(@h[1]); @c = count(); zero(@c); @c = count(); @z = hist(3); clear(@z); @z = hist(8); exit(); }";
        var (expected, actual) = await RunBothAsync(script, json: false);
        // bpftrace 0.17: delete(@h[1]) misses the bucket entries, zero() runs after @c's second update, clear()
        // after @z's, so it prints @c: 0, both @h keys and no @z.
        Assert.Contains("\n@c: 0\n", expected.Stdout);
        Assert.Contains("@h[1]: ", expected.Stdout);
        Assert.DoesNotContain("@z", expected.Stdout);
        Assert.Equal(
            "\n\n@c: 1\n@h[2]:\n[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n"
            + "@z:\n[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n",
            actual.Stdout);
    }

    [Fact]
    public async Task EmptyMapsPrintNothingWhereBpftracePrintsBlankLines()
    {
        const string script = "BEGIN { @a[1] = avg(10); @e[1] = 1; delete(@e[1]); @k = 4; print(@e); exit(); }";
        var (expectedText, actualText) = await RunBothAsync(script, json: false);
        // DESIGN.md rule 5: bpftrace 0.17 prints an empty line for the empty @e, in print() and at exit; we print nothing.
        Assert.Equal("\n\n\n@a[1]: 10\n\n\n@k: 4\n", expectedText.Stdout);
        Assert.Equal("\n\n@a[1]: 10\n\n@k: 4\n", actualText.Stdout);

        var (expectedJson, actualJson) = await RunBothAsync(script, json: true);
        // In JSON an explicit print() of an empty map is {"@e": {}}, where bpftrace 0.17 prints nothing.
        Assert.DoesNotContain("@e", expectedJson.Stdout);
        Assert.Equal(
            "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n"
            + "{\"type\": \"map\", \"data\": {\"@e\": {}}}\n"
            + "{\"type\": \"stats\", \"data\": {\"@a\": {\"1\": 10}}}\n"
            + "{\"type\": \"map\", \"data\": {\"@k\": 4}}\n",
            actualJson.Stdout);
        JsonLines.AssertEveryLineIsAnObject(actualJson.Stdout);
    }

    private static async Task<(RunResult Expected, RunResult Actual)> RunBothAsync(string script, bool json)
    {
        string[] args = json ? ["-f", "json", "-e", script] : ["-e", script];
        var expected = await BpftraceRun.RunAsync(args);
        var actual = await SharpTraceRun.RunAsync(args);
        return (expected, actual);
    }

    private static string WithoutEmptyLines(string stdout) =>
        string.Concat(stdout.Split('\n').Where(line => line.Length > 0).Select(line => line + "\n"));
}
