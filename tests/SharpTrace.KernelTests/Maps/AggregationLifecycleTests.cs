using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// DESIGN.md "Map lifecycle" for every aggregation kind: clear() leaves nothing to print, zero() keeps the entries
/// with zero values, and both take effect at once, in program order, in the kernel. Text and JSON, exact stdout.
/// Expected outputs of zeroed maps are bpftrace 0.17's (checked with `bpftrace -e`).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class AggregationLifecycleTests : KernelTest
{
    private const string AttachedJson = "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n";
    private const string TwoAttachedJson = "{\"type\": \"attached_probes\", \"data\": {\"probes\": 2}}\n"; // BEGIN and END

    public static TheoryData<string, string> Aggregations => new()
    {
        { "count()", "count" }, { "sum(5)", "sum" }, { "avg(5)", "avg" }, { "min(5)", "min" }, { "max(5)", "max" },
        { "stats(5)", "stats" }, { "hist(5)", "hist" }, { "lhist(5, 0, 10, 1)", "lhist" },
    };

    [Theory]
    [MemberData(nameof(Aggregations))]
    public async Task ClearedScalarAggregationPrintsNothing(string aggregation, string kind)
    {
        var script = $"BEGIN {{ @x = {aggregation}; }} END {{ clear(@x); }}";
        _ = kind;
        // A program of begin and end probes only ends by itself (newest bpftrace; 0.17 waits for Ctrl-C).
        Assert.Equal("", await RunAsync(script, json: false));
        Assert.Equal(TwoAttachedJson, await RunAsync(script, json: true));
    }

    [Theory]
    [MemberData(nameof(Aggregations))]
    public async Task ClearedKeyedAggregationPrintsNothing(string aggregation, string kind)
    {
        var script = $"BEGIN {{ @x[1] = {aggregation}; @x[2] = {aggregation}; }} END {{ clear(@x); }}";
        _ = kind;
        // A program of begin and end probes only ends by itself (newest bpftrace; 0.17 waits for Ctrl-C).
        Assert.Equal("", await RunAsync(script, json: false));
        Assert.Equal(TwoAttachedJson, await RunAsync(script, json: true));
    }

    public static TheoryData<string, string, string> Zeroed => new()
    {
        { "count()", "@x: 0\n", "{\"type\": \"map\", \"data\": {\"@x\": 0}}\n" },
        { "sum(5)", "@x: 0\n", "{\"type\": \"map\", \"data\": {\"@x\": 0}}\n" },
        { "avg(5)", "@x: 0\n\n", "{\"type\": \"stats\", \"data\": {\"@x\": 0}}\n" },
        { "min(5)", "@x: 0\n", "{\"type\": \"map\", \"data\": {\"@x\": 0}}\n" },
        { "max(5)", "@x: 0\n", "{\"type\": \"map\", \"data\": {\"@x\": 0}}\n" },
        { "stats(5)", "@x: count 0, average 0, total 0\n\n", "{\"type\": \"stats\", \"data\": {\"@x\": {\"count\": 0, \"average\": 0, \"total\": 0}}}\n" },
        { "hist(5)", "@x:\n\n", "{\"type\": \"hist\", \"data\": {\"@x\": []}}\n" },
        { "lhist(5, 0, 10, 1)", "@x:\n\n", "{\"type\": \"hist\", \"data\": {\"@x\": []}}\n" },
    };

    [Theory]
    [MemberData(nameof(Zeroed))]
    public async Task ZeroedAggregationKeepsItsEntryWithValueZero(string aggregation, string text, string json)
    {
        var script = $"BEGIN {{ @x = {aggregation}; @x = {aggregation}; zero(@x); exit(); }}";
        Assert.Equal("\n\n" + text, await RunAsync(script, json: false));
        Assert.Equal(AttachedJson + json, await RunAsync(script, json: true));
    }

    [Fact]
    public async Task ZeroedKeyedMapKeepsEveryKey()
    {
        const string script = "BEGIN { @k[1] = 4; @k[2] = 5; @h[7] = hist(3); @h[8] = hist(300); zero(@k); zero(@h); exit(); }";
        Assert.Equal("\n\n@h[7]:\n\n@h[8]:\n\n@k[1]: 0\n@k[2]: 0\n", await RunAsync(script, json: false));
        Assert.Equal(AttachedJson
            + "{\"type\": \"hist\", \"data\": {\"@h\": {\"7\": [], \"8\": []}}}\n"
            + "{\"type\": \"map\", \"data\": {\"@k\": {\"1\": 0, \"2\": 0}}}\n", await RunAsync(script, json: true));
    }

    [Fact]
    public async Task ZeroTakesEffectAtOnceInProgramOrder()
    {
        // bpftrace 0.17 zeroes asynchronously, after the probe, so it prints @c: 0 and @m: 0 here.
        const string script = "BEGIN { @c = count(); @c = count(); zero(@c); @c = count(); @m = min(9); zero(@m); @m = min(12); exit(); }";
        Assert.Equal("\n\n@c: 1\n@m: 12\n", await RunAsync(script, json: false));
    }

    [Fact]
    public async Task ClearedHistogramStartsAfresh()
    {
        // bpftrace 0.17 clears asynchronously and loses the second update; it prints nothing for @x.
        const string script = "BEGIN { @x = hist(3); @x = hist(3000); clear(@x); @x = hist(8); exit(); }";
        Assert.Equal("\n\n@x:\n[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n",
            await RunAsync(script, json: false));
    }

    [Fact]
    public async Task DeletingAHistogramKeyRemovesAllItsBuckets()
    {
        // bpftrace 0.17 looks up the key without its bucket and deletes nothing: it still prints @x[1] and @l[1, a].
        const string script = """
            BEGIN { @x[1] = hist(1); @x[1] = hist(500); @x[2] = hist(3); delete(@x[1]);
                    @l[1, "a"] = lhist(3, 0, 10, 1); @l[2, "b"] = lhist(4, 0, 10, 1); delete(@l, (1, "a"));
                    @s = hist(4); delete(@s); exit(); }
            """;
        Assert.Equal(
            "\n\n@l[2, b]:\n[4]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n"
            + "@x[2]:\n[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n",
            await RunAsync(script, json: false));
    }

    [Fact]
    public async Task PrintOfAnEmptyMapIsAnEmptyObjectInJsonAndNothingInText()
    {
        const string script = "BEGIN { @e[1] = count(); clear(@e); print(@e); @h = hist(1); clear(@h); print(@h); exit(); }";
        Assert.Equal("", await RunAsync(script, json: false));
        Assert.Equal(AttachedJson
            + "{\"type\": \"map\", \"data\": {\"@e\": {}}}\n"
            + "{\"type\": \"map\", \"data\": {\"@h\": {}}}\n", await RunAsync(script, json: true));
    }

    private static async Task<string> RunAsync(string script, bool json)
    {
        var result = await SharpTraceRun.RunAsync(json ? ["-f", "json", "-e", script] : ["-e", script]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        if (json)
            JsonLines.AssertEveryLineIsAnObject(result.Stdout);
        return result.Stdout;
    }
}
