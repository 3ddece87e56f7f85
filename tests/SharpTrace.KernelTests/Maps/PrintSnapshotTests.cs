using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// print(@m) shows the map as it was at the call, in program order: the kernel sends a snapshot through the ring
/// buffer, so a clear(), zero() or update right after it in the same probe does not change what is printed.
/// Expected print-then-clear outputs are bpftrace 0.17's (checked with `bpftrace -e` and `-f json`; its exit
/// section and empty lines for the cleared maps left out, see docs/maps.md).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PrintSnapshotTests : KernelTest
{
    private const string AttachedJson = "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n";

    [Fact]
    public async Task PrintThenClearOfAScalarPrintsTheValueOnce()
    {
        const string script = "BEGIN { @x = 5; print(@x); clear(@x); exit(); }";
        Assert.Equal("@x: 5\n", await RunAsync(script, json: false));
        Assert.Equal(AttachedJson + "{\"type\": \"map\", \"data\": {\"@x\": 5}}\n", await RunAsync(script, json: true));
    }

    [Fact]
    public async Task PrintThenClearOfAKeyedCountMapPrintsEveryEntrySorted()
    {
        const string script = "BEGIN { @c[2] = count(); @c[1] = count(); @c[2] = count(); print(@c); clear(@c); exit(); }";
        Assert.Equal("@c[1]: 1\n@c[2]: 2\n", await RunAsync(script, json: false));
        Assert.Equal(AttachedJson + "{\"type\": \"map\", \"data\": {\"@c\": {\"1\": 1, \"2\": 2}}}\n", await RunAsync(script, json: true));
    }

    [Fact]
    public async Task PrintThenClearOfAHistogramPrintsEveryBucket()
    {
        const string script = "BEGIN { @h = hist(5); @h = hist(100); @h = hist(3); print(@h); clear(@h); exit(); }";
        Assert.Equal("""
            @h:
            [2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [8, 16)                0 |                                                    |
            [16, 32)               0 |                                                    |
            [32, 64)               0 |                                                    |
            [64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|


            """.ReplaceLineEndings("\n"), await RunAsync(script, json: false));
        Assert.Equal(AttachedJson + "{\"type\": \"hist\", \"data\": {\"@h\": [{\"min\": 2, \"max\": 3, \"count\": 1}, "
            + "{\"min\": 4, \"max\": 7, \"count\": 1}, {\"min\": 8, \"max\": 15, \"count\": 0}, {\"min\": 16, \"max\": 31, \"count\": 0}, "
            + "{\"min\": 32, \"max\": 63, \"count\": 0}, {\"min\": 64, \"max\": 127, \"count\": 1}]}}\n", await RunAsync(script, json: true));
    }

    [Fact]
    public async Task PrintThenClearOfKeyedHistogramsAndPerCpuAggregationsWithTopAndDiv()
    {
        // bpftrace 0.17 prints the same lines (and then its exit section with the cleared maps).
        const string script = """
            BEGIN { @h[1] = hist(5); @h[2] = hist(3); @h[2] = hist(1000); print(@h);
                    @c[1] = sum(10); @c[2] = sum(300); @c[3] = sum(20); print(@c, 2, 10);
                    @s = stats(4); @s = stats(8); print(@s); clear(@h); clear(@c); clear(@s); exit(); }
            """;
        Assert.Equal(AttachedJson
            + "{\"type\": \"hist\", \"data\": {\"@h\": {\"1\": [{\"min\": 4, \"max\": 7, \"count\": 1}], \"2\": [{\"min\": 2, \"max\": 3, \"count\": 1}, "
            + "{\"min\": 4, \"max\": 7, \"count\": 0}, {\"min\": 8, \"max\": 15, \"count\": 0}, {\"min\": 16, \"max\": 31, \"count\": 0}, "
            + "{\"min\": 32, \"max\": 63, \"count\": 0}, {\"min\": 64, \"max\": 127, \"count\": 0}, {\"min\": 128, \"max\": 255, \"count\": 0}, "
            + "{\"min\": 256, \"max\": 511, \"count\": 0}, {\"min\": 512, \"max\": 1023, \"count\": 1}]}}}\n"
            + "{\"type\": \"map\", \"data\": {\"@c\": {\"3\": 2, \"2\": 30}}}\n"
            + "{\"type\": \"stats\", \"data\": {\"@s\": {\"count\": 2, \"average\": 6, \"total\": 12}}}\n",
            await RunAsync(script, json: true));
    }

    [Fact]
    public async Task AnUpdateAfterPrintIsNotInThePrintedMap()
    {
        // bpftrace 0.17 reads the map after the probe ran, so its print shows @m[1]: 9.
        const string script = "BEGIN { @m[1] = 1; print(@m); @m[1] = 9; exit(); }";
        Assert.Equal("@m[1]: 1\n\n\n@m[1]: 9\n", await RunAsync(script, json: false));
        Assert.Equal(AttachedJson
            + "{\"type\": \"map\", \"data\": {\"@m\": {\"1\": 1}}}\n"
            + "{\"type\": \"map\", \"data\": {\"@m\": {\"1\": 9}}}\n", await RunAsync(script, json: true));
    }

    [Fact]
    public async Task IntervalPrintThenClearShowsEachIntervalsCount()
    {
        // The common `interval:s:1 { print(@x); clear(@x); }` pattern; this run ends itself on the third interval.
        const string script = """
            BEGIN { @i = 0; }
            interval:ms:100 { @n = count(); print(@n); clear(@n); @i = @i + 1; if (@i == 3) { delete(@i); exit(); } }
            """;
        Assert.Equal("@n: 1\n@n: 1\n@n: 1\n", await RunAsync(script, json: false));
        Assert.Equal("{\"type\": \"attached_probes\", \"data\": {\"probes\": 2}}\n"
            + string.Concat(Enumerable.Repeat("{\"type\": \"map\", \"data\": {\"@n\": 1}}\n", 3)), await RunAsync(script, json: true));
    }

    [Fact]
    public async Task ASnapshotThatDidNotFitInTheRingBufferIsNotPrintedAndIsReported()
    {
        // One page per CPU cannot hold 300 entry records sent at once by BEGIN (user space reads them after BEGIN).
        // A later probe exits, because the exit record of BEGIN would not fit either.
        var entries = string.Concat(Enumerable.Range(1, 300).Select(i => $"@m[{i}] = {i}; "));
        var script = $"config = {{ perf_rb_pages = 1 }} BEGIN {{ {entries} print(@m); clear(@m); }} interval:ms:100 {{ exit(); }}";

        var text = await SharpTraceRun.RunAsync(["-e", script]);
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Matches(new Regex(@"^Lost [1-9][0-9]* events\n$"), text.Stdout);
        Assert.Matches(new Regex(@"WARNING: print\(@m\) is not shown: [1-9][0-9]* of its 300 entries did not fit in the ring buffer"), text.Stderr);

        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);
        Assert.True(json.ExitCode == 0, json.Stderr);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        Assert.Matches(new Regex("""^\{"type": "attached_probes", "data": \{"probes": 2\}\}\n\{"type": "lost_events", "data": \{"events": [1-9][0-9]*\}\}\n$"""), json.Stdout);
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
