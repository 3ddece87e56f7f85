using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// <c>for ($kv : @m)</c> and <c>for ($i : a..b)</c> in the kernel. A map walk visits entries in hash order, so
/// scripts either compute an order-free result or the test sorts the lines they print.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ForLoopTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task SumOverAMap()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[1] = 10; @m[2] = 20; @m[3] = 30; $sum = 0; for ($kv : @m) { $sum += $kv.1; } printf(\"sum %d\\n\", $sum); clear(@m); exit(); }"]);

        Assert.Equal((0, "sum 60\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task HeadersAndConditionsWithoutParenthesesRunAsTheNewestBpftraceWritesThem()
    {
        // `for $kv : @m {`, `for $i : 0..4 {`, `if $sum {`, `if !$j {`: the newest bpftrace's syntax (docs/language.md).
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[1] = 10; @m[2] = 20; $sum = 0; for $kv : @m { $sum += $kv.1; } $n = 0; for $i : 0..4 { $n += $i; } $j = 0; if $sum { printf(\"sum %d n %d\\n\", $sum, $n); } if !$j { printf(\"j zero\\n\"); } else { printf(\"j set\\n\"); } clear(@m); exit(); }"]);

        Assert.Equal((0, "sum 30 n 6\nj zero\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task PrintsEveryEntryOnce()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[1] = \"one\"; @m[2] = \"two\"; @m[3] = \"three\"; for ($kv : @m) { printf(\"%d=%s\\n\", $kv.0, $kv.1); } exit(); }"]);

        Assert.Equal(0, result.ExitCode);
        var (loop, exitSection) = SplitAtExitSection(result.Stdout);
        Assert.Equal(["1=one", "2=two", "3=three"], Sorted(loop));
        Assert.Equal("@m[1]: one\n@m[2]: two\n@m[3]: three\n", exitSection);
    }

    [Fact]
    public async Task MultiKeyMapHandsOverTheKeyAsATuple()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[\"a\", 1] = 10; @m[\"b\", 2] = 20; for ($kv : @m) { printf(\"%s %d %d\\n\", $kv.0.0, $kv.0.1, $kv.1); } clear(@m); exit(); }"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["a 1 10", "b 2 20"], Sorted(result.Stdout));
    }

    [Fact]
    public async Task BreakStopsTheWalk()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[1] = 1; @m[2] = 2; @m[3] = 3; @m[4] = 4; $n = 0; for ($kv : @m) { $n++; if ($n == 2) { break; } } printf(\"visited %d of %d\\n\", $n, len(@m)); clear(@m); exit(); }"]);

        Assert.Equal((0, "visited 2 of 4\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ContinueSkipsTheRestOfTheBody()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[1] = 1; @m[2] = 2; @m[3] = 3; $odd = 0; for ($kv : @m) { if ($kv.0 % 2 == 0) { continue; } $odd += $kv.1; } printf(\"odd %d\\n\", $odd); clear(@m); exit(); }"]);

        Assert.Equal((0, "odd 4\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task VariablesSetInTheBodyAreSeenAfterTheLoop()
    {
        // Variables of the enclosing block, assigned before the loop: one first assigned in the body belongs to the
        // body and is unknown after it, as in the newest bpftrace (VariableScopeTests).
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[\"x\"] = 5; @m[\"y\"] = 9; @m[\"z\"] = 2; $max = 0; $name = \"\"; $seen = 0; for ($kv : @m) { if ($kv.1 > $max) { $max = $kv.1; $name = $kv.0; } $seen = 1; } " +
            "printf(\"%s %d %d\\n\", $name, $max, $seen); clear(@m); exit(); }"]);

        Assert.Equal((0, "y 9 1\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task LoopSeesExactlyTheEntriesThatExistAfterDeleteAndClear()
    {
        // DESIGN.md rule 7: delete and clear take effect at once, so the walk right after them sees the result.
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[1] = 1; @m[2] = 2; @m[3] = 3; @m[4] = 4; delete(@m[2]); $n = 0; $keys = 0; for ($kv : @m) { $n++; $keys += $kv.0; } printf(\"%d %d\\n\", $n, $keys); " +
            "clear(@m); @m[7] = 70; $n = 0; $keys = 0; for ($kv : @m) { $n++; $keys += $kv.0; } printf(\"%d %d\\n\", $n, $keys); " +
            "clear(@m); $n = 0; for ($kv : @m) { $n++; } printf(\"%d\\n\", $n); " +
            "@c[1] = count(); @c[2] = count(); delete(@c[1]); $n = 0; for ($kv : @c) { $n++; $keys = $kv.0; } printf(\"%d %d\\n\", $n, $keys); clear(@c); exit(); }"]);

        Assert.Equal((0, "3 8\n1 7\n0\n1 2\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task EntriesDeletedDuringTheWalkAreGoneAfterIt()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[1] = 1; @m[2] = 2; @m[3] = 3; for ($kv : @m) { if ($kv.1 != 2) { delete(@m[$kv.0]); } } exit(); }"]);

        Assert.Equal((0, "\n\n@m[2]: 2\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task NestedLoopsShareTheProbesVariables()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @a[1] = 1; @a[2] = 2; @b[10] = 1; @b[20] = 2; $t = 0; for ($x : @a) { for ($y : @b) { $t += $x.0 * $y.0; } } printf(\"%d\\n\", $t); clear(@a); clear(@b); exit(); }"]);

        Assert.Equal((0, "90\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ExitInTheBodyEndsTheProbeToo()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @a[1] = 1; @a[2] = 2; @b[1] = 1; for ($x : @a) { for ($y : @b) { printf(\"inner\\n\"); exit(); } printf(\"after inner\\n\"); } printf(\"after outer\\n\"); } END { clear(@a); clear(@b); }"]);

        Assert.Equal((0, "inner\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ReturnInTheBodyLeavesTheProbeButNotTheProgram()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { @m[1] = 1; for ($kv : @m) { return; } printf(\"not reached\\n\"); } BEGIN { printf(\"second\\n\"); clear(@m); exit(); }"]);

        Assert.Equal((0, "second\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task RangeLoopCountsFromStartToBeforeEnd()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { $n = 4; $s = 0; for ($i : 1..$n) { $s += $i; $n = 100; } for ($i : 5..2) { $s = -1; } for ($i : -2..10) { if ($i == 1) { break; } printf(\"%d \", $i); } printf(\"| %d %d\\n\", $s, $n); exit(); }"]);

        Assert.Equal((0, "-2 -1 0 | 6 100\n"), (result.ExitCode, result.Stdout));
    }

    // bpf_loop's limit is 2^23 iterations: a range of exactly that many runs every one; one more is refused at
    // compile time (LoopBinderTests) instead of running none, as it did.
    [Fact]
    public async Task ARangeAsLongAsTheKernelAllowsRunsEveryIteration()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            "BEGIN { $n = 0; for ($i : 0..8388608) { $n++; } printf(\"%d\\n\", $n); exit(); }"]);

        Assert.Equal((0, "8388608\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task TracepointArgumentsAndBuiltinsWorkInTheBody()
    {
        // A copy of /bin/true under a name of its own, so the predicate sees only the process this test starts.
        var name = $"fl{Guid.NewGuid():N}"[..12];
        var program = Path.Combine(Path.GetTempPath(), name);
        File.Copy("/bin/true", program);
        try
        {
            var script = $$"""tracepoint:sched:sched_process_exec /comm == "{{name}}"/ { @m[1] = 1; for ($kv : @m) { printf("%d %d %s\n", $kv.0, args.pid == pid, comm); } clear(@m); exit(); }""";
            using var tool = SharpTraceRun.Start(["-e", script]);
            await tool.WaitForAttachedAsync(Bound);
            using (var child = System.Diagnostics.Process.Start(program)!)
                await child.WaitForExitAsync().WaitAsync(Bound);
            var result = await tool.WaitForExitAsync(Bound);

            Assert.Equal((0, $"1 1 {name}\n"), (result.ExitCode, result.Stdout));
        }
        finally
        {
            File.Delete(program);
        }
    }

    [Fact]
    public async Task PerCpuCountersReadAsTheirTotalOverAllCpus()
    {
        // Three executions on two CPUs: each entry's slots differ per CPU; the loop sees the combined value,
        // as the exit-time printing does (the newest bpftrace sums count and sum in loops too).
        var name = $"fl{Guid.NewGuid():N}"[..12];
        var program = Path.Combine(Path.GetTempPath(), name);
        File.Copy("/bin/true", program);
        try
        {
            var script = $$"""
                tracepoint:sched:sched_process_exec /comm == "{{name}}"/ { @c[1] = count(); @s[1] = sum(cpu + 1); @lo[1] = min(cpu + 5); @hi[1] = max(cpu + 5); @runs++; }
                tracepoint:sched:sched_process_exec /comm == "{{name}}" && @runs == 3/ {
                  for ($kv : @c) { printf("count %d\n", $kv.1); } for ($kv : @s) { printf("sum %d\n", $kv.1); }
                  for ($kv : @lo) { printf("min %d\n", $kv.1); } for ($kv : @hi) { printf("max %d\n", $kv.1); }
                  exit();
                }
                """;
            using var tool = SharpTraceRun.Start(["-q", "--no-print-maps", "-e", script]);
            await tool.WaitForAttachedAsync(Bound);
            var secondCpu = Environment.ProcessorCount > 1 ? 1 : 0;
            foreach (var cpu in new[] { 0, 0, secondCpu })
            {
                using var child = System.Diagnostics.Process.Start("taskset", ["-c", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture), program])!;
                await child.WaitForExitAsync().WaitAsync(Bound);
            }
            var result = await tool.WaitForExitAsync(Bound);

            Assert.Equal((0, $"count 3\nsum {3 + secondCpu}\nmin 5\nmax {5 + secondCpu}\n"), (result.ExitCode, result.Stdout));
        }
        finally
        {
            File.Delete(program);
        }
    }

    [Fact]
    public async Task PerCpuCountersReadDirectlyAsTheirTotalOverAllCpus()
    {
        // bpftrace's docs (PERCPU types): reading a count or sum in the program reads every CPU's slot. Three kill(1, 0)
        // calls on two CPUs; the third one's second probe reads the combined values.
        const string Match = "args->pid == 1 && args->sig == 0";
        var script = $$"""
            tracepoint:syscalls:sys_enter_kill /{{Match}}/ { @c[1] = count(); @s[1] = sum(cpu + 1); @lo[1] = min(cpu + 5); @hi[1] = max(cpu + 5); @runs++; }
            tracepoint:syscalls:sys_enter_kill /{{Match}} && @runs == 3/ { printf("%d %d %d %d\n", @c[1], @s[1], @lo[1], @hi[1]); exit(); }
            """;
        using var tool = SharpTraceRun.Start(["-q", "--no-print-maps", "-e", script]);
        await tool.WaitForAttachedAsync(Bound);
        var secondCpu = Environment.ProcessorCount > 1 ? 1 : 0;
        foreach (var cpu in new[] { 0, 0, secondCpu })
        {
            using var child = System.Diagnostics.Process.Start("taskset", ["-c", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture), "sh", "-c", "kill -0 1"])!;
            await child.WaitForExitAsync().WaitAsync(Bound);
        }
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, $"3 {3 + secondCpu} 5 {5 + secondCpu}\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task JsonModePrintsOneObjectPerLine()
    {
        var result = await SharpTraceRun.RunAsync(["-f", "json", "-e",
            "BEGIN { @m[1] = 1; @m[2] = 2; for ($kv : @m) { printf(\"%d\\n\", $kv.0); } clear(@m); exit(); }"]);

        Assert.Equal(0, result.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
        Assert.Equal(["{\"type\": \"printf\", \"data\": \"1\\n\"}", "{\"type\": \"printf\", \"data\": \"2\\n\"}"],
            JsonLines.NonEmpty(result.Stdout).Where(l => l.Contains("printf", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    /// <summary>The program's lines, then the maps printed at exit after the two newlines that start the exit section.</summary>
    private static (string Lines, string ExitSection) SplitAtExitSection(string stdout)
    {
        var at = stdout.IndexOf("\n\n\n", StringComparison.Ordinal);
        return at < 0 ? (stdout, "") : (stdout[..(at + 1)], stdout[(at + 3)..]);
    }

    private static IReadOnlyList<string> Sorted(string lines) =>
        lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
}
