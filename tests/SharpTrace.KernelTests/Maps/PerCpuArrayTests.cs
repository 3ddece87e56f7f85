using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// <c>let @m = percpuarray(N);</c> keeps the map lifecycle (DESIGN.md): an index is an entry only once an update
/// marked it present on some CPU, and delete() and clear() really remove it, though the array's elements always exist
/// in the kernel. bpftrace 0.17 has no map declarations; where its undeclared maps behave the same, the output is
/// compared with it.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PerCpuArrayTests : KernelTest
{
    private const string Declarations = "let @c = percpuarray(1); let @s = percpuarray(4); ";
    private const string Array = "let @s = percpuarray(4); ";

    public static TheoryData<string> SameAsBpftrace => new()
    {
        "BEGIN { @c = count(); @c = count(); @s[1] = sum(5); @s[2] = sum(7); @s[0] = sum(1); exit(); }",
        "BEGIN { @c = count(); @s[3] = sum(-4); @s[0] = sum(2); @s[0] = sum(2); exit(); }",
    };

    [Theory]
    [MemberData(nameof(SameAsBpftrace))]
    public async Task TextIsWhatBpftracePrintsForTheSameMapsUndeclared(string script)
    {
        await AgainstBpftrace.AssertTextMatchesAsync(script, Declarations + script);
    }

    [Theory]
    [MemberData(nameof(SameAsBpftrace))]
    public async Task JsonIsWhatBpftracePrintsForTheSameMapsUndeclaredWithoutItsEmptyLines(string script)
    {
        await AgainstBpftrace.AssertJsonLinesMatchAsync(script, Declarations + script);
    }

    [Fact]
    public async Task CountScalarAndSumKeyedBySmallIntegersPrintOnlyTheIndicesUpdated()
    {
        const string script = Declarations + "BEGIN { @c = count(); @c = count(); @s[2] = sum(7); @s[0] = sum(1); exit(); }";

        var text = await SharpTraceRun.RunAsync(["-e", script]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        Assert.Equal((0, "\n\n@c: 2\n@s[0]: 1\n@s[2]: 7\n"), (text.ExitCode, text.Stdout));
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(
            """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "map", "data": {"@c": 2}}
            {"type": "map", "data": {"@s": {"0": 1, "2": 7}}}

            """, json.Stdout);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
    }

    [Fact]
    public async Task ClearedArraysPrintNothing()
    {
        const string script = Declarations + "BEGIN { @c = count(); @s[1] = sum(5); @s[3] = sum(1); exit(); } END { clear(@c); clear(@s); }";

        var text = await SharpTraceRun.RunAsync(["-e", script]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        Assert.Equal((0, ""), (text.ExitCode, text.Stdout));
        Assert.Equal((0, "{\"type\": \"attached_probes\", \"data\": {\"probes\": 2}}\n"), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task ClearTakesEffectAtOnceAndTheArrayFillsAgain()
    {
        var result = await SharpTraceRun.RunAsync(["-e", Declarations + "BEGIN { @s[1] = sum(5); @s[2] = sum(6); clear(@s); @s[3] = sum(9); @n = len(@s); @c = count(); delete(@c); exit(); }"]);

        Assert.Equal((0, "\n\n@n: 1\n@s[3]: 9\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task DeleteOfOneIndexRemovesItForLenHasKeyAndPrinting()
    {
        var result = await SharpTraceRun.RunAsync(["-e", Array +
            "BEGIN { @s[1] = sum(5); @s[2] = sum(7); @s[3] = sum(1); delete(@s[3]); @n = len(@s); @h1 = has_key(@s, 1); @h3 = has_key(@s, 3); @h0 = has_key(@s, 0); exit(); }"]);

        // has_key() is a bool (newest bpftrace; 0.17 prints 1/0).
        Assert.Equal((0, "\n\n@h0: false\n@h1: true\n@h3: false\n@n: 2\n@s[1]: 5\n@s[2]: 7\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ZeroKeepsTheEntriesThatExist()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "let @m = percpuarray(4); BEGIN { @m[1] = max(8); @m[2] = max(-3); zero(@m); @n = len(@m); exit(); }"]);

        Assert.Equal((0, "\n\n@m[1]: 0\n@m[2]: 0\n@n: 2\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ForLoopVisitsOnlyTheEntriesThatExist()
    {
        var result = await SharpTraceRun.RunAsync(["-e", Array +
            "BEGIN { @s[0] = sum(10); @s[2] = sum(20); @s[3] = sum(30); delete(@s[0]); for ($kv : @s) { printf(\"%d %d\\n\", $kv.0, $kv.1); } clear(@s); exit(); }"]);

        // Array elements are walked in index order.
        Assert.Equal((0, "2 20\n3 30\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task PrintShowsTheEntriesAtTheCallAndAnEmptyArrayInJson()
    {
        var result = await SharpTraceRun.RunAsync(["-f", "json", "-e", Array +
            "BEGIN { @s[1] = sum(5); @s[2] = sum(2); print(@s); clear(@s); print(@s); exit(); }"]);

        Assert.Equal((0,
            """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "map", "data": {"@s": {"2": 2, "1": 5}}}
            {"type": "map", "data": {"@s": {}}}

            """), (result.ExitCode, result.Stdout));
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
    }

    [Fact]
    public async Task AnIndexOutsideTheArrayIsDroppedAndCounted()
    {
        var result = await SharpTraceRun.RunAsync(["-e", Array +
            "BEGIN { @s[1] = sum(1); @s[4] = sum(1); @s[-1] = sum(1); @s[4294967297] = sum(1); @h = has_key(@s, 4294967297); exit(); }"]);

        // 1 << 32 | 1 must not wrap onto index 1.
        Assert.Equal((0, "\n\n@h: false\n@s[1]: 1\n"), (result.ExitCode, result.Stdout));
        Assert.Contains("WARNING: @s is percpuarray(4): 3 updates were dropped in total because the index was outside 0..3", result.Stderr);
    }

    [Fact]
    public async Task TheKernelMapIsAPerCpuArrayWhileTheProgramRuns()
    {
        var before = KernelLeakCheck.Start();
        using var tool = SharpTraceRun.Start(["-e", "let @pcarr = percpuarray(4); interval:ms:50 { @pcarr[1] = count(); printf(\"tick\\n\"); }"]);
        await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);

        var map = Assert.Single(before.NewMaps(), m => m.Name == "_pcarr");
        Assert.Equal("percpu_array", map.Type);

        // The interval has fired at least once before the interrupt, so the map has an entry to print.
        await tool.WaitForOutputAsync("tick\n", TracerProcess.DefaultTimeout);
        tool.Interrupt();
        var result = await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^(tick\n)+\n\n@pcarr\[1\]: [1-9][0-9]*\n$", result.Stdout);
    }

    [Fact]
    public async Task AnArrayTooLargeToCreateIsOneErrorBeforeAnythingIsLoaded()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await SharpTraceRun.RunAsync(["-e", "let @p = percpuarray(20000000); BEGIN { @p[1] = count(); exit(); }"]);

        // It took 20 s of kernel work to create, which no Ctrl-C interrupts; the base class checks nothing stays loaded.
        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.Contains("ERROR: @p asks for 20,000,000 entries: a map with a value per CPU holds at most 4,194,304 here", result.Stderr);
        Assert.DoesNotContain("Attach", result.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refusing took {clock.Elapsed}");
    }
}
