using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>Map declarations, full maps, switching exit-time printing off, and output to a file.</summary>
[Trait("Category", "Kernel")]
public sealed partial class MapFunctionTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task DeclaredHashMapHoldsItsSizeAndReportsTheDroppedUpdates()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "let @m = hash(2); BEGIN { @m[1] = 10; @m[2] = 20; @m[3] = 30; @m[4] = 40; @m[1] = 11; exit(); }"]);

        Assert.Equal((0, "\n\n@m[1]: 11\n@m[2]: 20\n"), (result.ExitCode, result.Stdout));
        Assert.Contains("WARNING: @m was full (2 entries): 2 updates were dropped in total.", result.Stderr);
    }

    // The unused declared map is dropped before the maps are numbered for the dropped-updates counter: each map left
    // keeps its own count.
    [Fact]
    public async Task DroppedUpdatesAreCountedPerMapBesideAnUnusedDeclaredMap()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "let @unused = hash(4); let @m = hash(2); let @n = hash(1); BEGIN { @m[1] = 10; @m[2] = 20; @m[3] = 30; @n[1] = 1; @n[2] = 2; @n[3] = 3; @c = count(); exit(); }"]);

        Assert.Equal((0, "\n\n@c: 1\n@m[1]: 10\n@m[2]: 20\n@n[1]: 1\n"), (result.ExitCode, result.Stdout));
        Assert.Contains("Unused map: @unused", result.Stderr);
        Assert.Contains("WARNING: @m was full (2 entries): 1 update was dropped in total.", result.Stderr);
        Assert.Contains("WARNING: @n was full (1 entries): 2 updates were dropped in total.", result.Stderr);
        Assert.DoesNotContain("@c was full", result.Stderr);
    }

    [Fact]
    public async Task DeclaredLruHashMapEvictsInsteadOfDropping()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "let @m = lruhash(2); BEGIN { @m[1] = 10; @m[2] = 20; @m[3] = 30; exit(); }"]);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("WARNING", result.Stderr);
        Assert.Equal(2, result.Stdout.Split('\n').Count(l => l.StartsWith("@m[", StringComparison.Ordinal)));
        Assert.Contains("@m[3]: 30\n", result.Stdout);
    }

    [Fact]
    public async Task DeclaredPerCpuLruHashHoldsAnAggregation()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "let @c = percpulruhash(8); BEGIN { @c[1] = count(); @c[1] = count(); @c[2] = count(); exit(); }"]);

        Assert.Equal((0, "\n\n@c[2]: 1\n@c[1]: 2\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task PerCpuDeclarationOfAPlainValueIsAnError()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "let @m = percpuhash(8); BEGIN { @m[1] = 1; exit(); }"]);

        Assert.Equal(1, result.ExitCode);
        // @m[1] = 1 makes an int8 map, as the newest bpftrace types it.
        Assert.StartsWith("stdin:1:1-23: ERROR: @m is declared percpuhash but holds a int8", result.Stderr);
    }

    [Fact]
    public async Task MaxMapKeysFromConfigBlockLimitsAggregationsToo()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "config = { max_map_keys = 2 } BEGIN { @c[1] = count(); @c[2] = count(); @c[3] = count(); @c[2] = count(); exit(); }"]);

        Assert.Equal((0, "\n\n@c[1]: 1\n@c[2]: 2\n"), (result.ExitCode, result.Stdout));
        Assert.Contains("WARNING: @c was full (2 entries): 1 update was dropped in total.", result.Stderr);
    }

    [Fact]
    public async Task MapFloodFromATracepointWarnsOnStderrAndStillPrintsTheMap()
    {
        // A copy of the opener under a name of its own, so the predicate sees only the processes this test starts.
        var name = $"fl{Guid.NewGuid():N}"[..12];
        var opener = Path.Combine(Path.GetTempPath(), name);
        File.Copy(TestPrograms.PathOf("opener"), opener);
        try
        {
            var script = $$"""tracepoint:syscalls:sys_enter_openat /comm == "{{name}}"/ { @m[str(args.filename)] = 1; }""";
            using var tool = SharpTraceRun.Start(["-e", script], new Dictionary<string, string> { ["BPFTRACE_MAX_MAP_KEYS"] = "5" });
            await tool.WaitForAttachedAsync(Bound);
            for (var i = 0; i < 20; i++)
            {
                using var child = System.Diagnostics.Process.Start(opener, $"/tmp/sharptrace-flood-{i}")!;
                await child.WaitForExitAsync().WaitAsync(Bound);
            }
            tool.Interrupt();
            var result = await tool.WaitForExitAsync(Bound);

            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith("\n\n", result.Stdout);
            Assert.Equal(5, result.Stdout.Split('\n').Count(l => l.StartsWith("@m[", StringComparison.Ordinal)));
            var total = TotalDropped().Match(result.Stderr);
            Assert.True(total.Success, result.Stderr);
            // 20 distinct paths, 5 slots (the loader's own opens take some): at least 15 dropped.
            Assert.InRange(int.Parse(total.Groups[1].Value), 15, 100);
        }
        finally
        {
            File.Delete(opener);
        }
    }

    [GeneratedRegex(@"WARNING: @m was full \(5 entries\): (\d+) updates were dropped in total\.")]
    private static partial Regex TotalDropped();

    [Fact]
    public async Task ConfigBlockSwitchesPrintingAtExitOff()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "config = { print_maps_on_exit = false } BEGIN { @a = 1; @m[1] = 2; exit(); }"]);

        Assert.Equal((0, ""), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task EnvironmentSwitchesPrintingAtExitOff()
    {
        var result = await SharpTraceRun.RunAsync(
            ["-f", "json", "-e", "BEGIN { @a = 1; @m[1] = 2; exit(); }"],
            new Dictionary<string, string> { ["BPFTRACE_PRINT_MAPS_ON_EXIT"] = "0" });

        Assert.Equal((0, "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n"), (result.ExitCode, result.Stdout));
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
    }

    [Fact]
    public async Task NoPrintMapsFlagSwitchesPrintingAtExitOffButNotPrint()
    {
        var result = await SharpTraceRun.RunAsync(["--no-print-maps", "-e", "BEGIN { @a = 1; @m[1] = 2; print(@a); exit(); }"]);

        Assert.Equal((0, "@a: 1\n"), (result.ExitCode, result.Stdout));
    }

    [Theory]
    [InlineData("text", "hi\n\n\n@a: 1\n")]
    [InlineData("json", "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n{\"type\": \"printf\", \"data\": \"hi\\n\"}\n{\"type\": \"map\", \"data\": {\"@a\": 1}}\n")]
    public async Task OutputOptionWritesTheProgramsOutputToTheFile(string format, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sharptrace-o-{Guid.NewGuid():N}");
        try
        {
            var result = await SharpTraceRun.RunAsync(["-f", format, "-o", path, "-e", """BEGIN { @a = 1; printf("hi\n"); exit(); }"""]);

            Assert.Equal((0, ""), (result.ExitCode, result.Stdout));
            Assert.Equal(expected, await File.ReadAllTextAsync(path));
            if (format == "json")
                JsonLines.AssertEveryLineIsAnObject(expected);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
