using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// <c>test:</c> and <c>bench:</c> probes, run by <c>--test</c> and <c>--bench</c> as the newest bpftrace runs them
/// (bpftrace.cpp, output/text.cpp, output/json.cpp): each test once, its output shown only when it failed, then a
/// googletest-style summary and exit 1 if one failed; each benchmark repeated until it has run a millisecond, then
/// a table of average times. Durations vary, so they are replaced before comparing.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class TestAndBenchProbeTests : KernelTest
{
    private const string Green = "\u001b[32m", Red = "\u001b[31m", Reset = "\u001b[0m";

    private const string Tests = """
        BEGIN { printf("begin\n"); }
        test:okay { printf("suppressed\n"); }
        test:failure { printf("shown\n"); exit(1); }
        END { printf("end\n"); }
        """;

    [GeneratedRegex(@"\(\d+ (ns|us|ms|s)\)")]
    private static partial Regex Duration();

    [Fact]
    public async Task TestModeRunsEachTestAndShowsOnlyTheFailuresOutput()
    {
        var result = await SharpTraceRun.RunAsync(["--test", "-e", Tests]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "begin\n"
            + $"{Green}[==========]{Reset} Running 2 tests.\n"
            + $"{Green}[ RUN      ]{Reset} okay\n"
            + $"{Green}[       OK ]{Reset} okay (T)\n"
            + $"{Green}[ RUN      ]{Reset} failure\n"
            + "shown\n"
            + $"{Red}[  FAILED  ]{Reset} failure (T)\n"
            + $"{Green}[==========]{Reset} 2 tests ran.\n"
            + $"{Green}[  PASSED  ]{Reset} 1 test.\n"
            + $"{Red}[  FAILED  ]{Reset} 1 test, listed below:\n"
            + $"{Red}[  FAILED  ]{Reset} failure\n"
            + "end\n",
            Duration().Replace(result.Stdout, "(T)"));
        Assert.DoesNotContain("Attached", result.Stderr);
    }

    [Fact]
    public async Task TestFailsByItsReturnValue()
    {
        // The newest reference: "checks the return value" (its example returns 1 to fail); bpftrace.cpp passes a test
        // only when the program returned 0. The value comes from a map so the verdict is made when the test runs.
        var script = """
            BEGIN { @one = 1; }
            test:returns_zero { printf("suppressed\n"); return @one - 1; }
            test:returns_one { printf("shown\n"); if (@one == 1) { return @one; } printf("not reached\n"); }
            """;

        var result = await SharpTraceRun.RunAsync(["--test", "-e", script]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            $"{Green}[==========]{Reset} Running 2 tests.\n"
            + $"{Green}[ RUN      ]{Reset} returns_zero\n"
            + $"{Green}[       OK ]{Reset} returns_zero (T)\n"
            + $"{Green}[ RUN      ]{Reset} returns_one\n"
            + "shown\n"
            + $"{Red}[  FAILED  ]{Reset} returns_one (T)\n"
            + $"{Green}[==========]{Reset} 2 tests ran.\n"
            + $"{Green}[  PASSED  ]{Reset} 1 test.\n"
            + $"{Red}[  FAILED  ]{Reset} 1 test, listed below:\n"
            + $"{Red}[  FAILED  ]{Reset} returns_one\n",
            Duration().Replace(result.Stdout, "(T)"));
    }

    [Fact]
    public async Task ReturnInsideAForBodyIsTheTestsVerdict()
    {
        // The newest reference's loop_return pass: a return inside a for body leaves the loop and the probe, with its
        // value. Each test stops its loop at a different place: the output shows where, the verdict which value.
        var script = """
            BEGIN { @m[1] = 10; @m[2] = 20; }
            test:range_returns_zero { for ($i : 0..5) { printf("i %d\n", $i); if ($i == 2) { return $i - 2; } } printf("not reached\n"); }
            test:nested_returns_three { for ($i : 1..4) { for ($j : 0..$i) { if ($i == 3 && $j == 1) { printf("at %d %d\n", $i, $j); return $i; } } } printf("not reached\n"); }
            test:map_walk_returns_value { for ($kv : @m) { if ($kv.0 == 2) { printf("key %d\n", $kv.0); return $kv.1; } } printf("not reached\n"); }
            test:loop_ends_and_passes { for ($i : 0..3) { if ($i == 7) { return 1; } } printf("after\n"); }
            """;

        var result = await SharpTraceRun.RunAsync(["--test", "-e", script]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            $"{Green}[==========]{Reset} Running 4 tests.\n"
            + $"{Green}[ RUN      ]{Reset} range_returns_zero\n"
            + $"{Green}[       OK ]{Reset} range_returns_zero (T)\n"
            + $"{Green}[ RUN      ]{Reset} nested_returns_three\n"
            + "at 3 1\n"
            + $"{Red}[  FAILED  ]{Reset} nested_returns_three (T)\n"
            + $"{Green}[ RUN      ]{Reset} map_walk_returns_value\n"
            + "key 2\n"
            + $"{Red}[  FAILED  ]{Reset} map_walk_returns_value (T)\n"
            + $"{Green}[ RUN      ]{Reset} loop_ends_and_passes\n"
            + $"{Green}[       OK ]{Reset} loop_ends_and_passes (T)\n"
            + $"{Green}[==========]{Reset} 4 tests ran.\n"
            + $"{Green}[  PASSED  ]{Reset} 2 tests.\n"
            + $"{Red}[  FAILED  ]{Reset} 2 tests, listed below:\n"
            + $"{Red}[  FAILED  ]{Reset} nested_returns_three\n"
            + $"{Red}[  FAILED  ]{Reset} map_walk_returns_value\n",
            Duration().Replace(result.Stdout, "(T)"));
    }

    [Fact]
    public async Task TestModeInJsonGivesATestResultPerTest()
    {
        var result = await SharpTraceRun.RunAsync(["--test", "-f", "json", "--probe-filter", "okay", "-e", Tests]);

        Assert.Equal(0, result.ExitCode);
        var lines = JsonLines.NonEmpty(result.Stdout).Select(l => Regex.Replace(l, "\"duration\": \\d+", "\"duration\": T")).ToList();
        Assert.Equal(
            ["{\"type\": \"printf\", \"data\": \"begin\\n\"}",
             "{\"type\": \"test_result\", \"data\": {\"okay\": {\"duration\": T, \"passed\": true, \"output\": \"suppressed\\n\"}}}",
             "{\"type\": \"printf\", \"data\": \"end\\n\"}"],
            lines);
    }

    [Fact]
    public async Task BenchModePrintsATableOfAverageTimes()
    {
        var result = await SharpTraceRun.RunAsync(["--bench", "-e", "bench:count { @b = count(); } bench:sum { @s = sum(5); }"]);

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        var lines = result.Stdout.Split('\n');
        Assert.Equal("Benchmark".PadRight(41) + "Time(ns)".PadRight(15) + "Iterations", lines[0]);
        Assert.Equal(new string('-', 66), lines[1]);
        Assert.Matches(@"^count {36}\d+ +\d+$", lines[2]);
        Assert.Matches(@"^sum {38}\d+ +\d+$", lines[3]);
        Assert.Equal([""], lines[4..]);
        // Each ran often enough to take a millisecond.
        Assert.All(lines[2..4], line => Assert.True(ulong.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], System.Globalization.CultureInfo.InvariantCulture)
            * ulong.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) >= 1_000_000));
    }

    [Fact]
    public async Task OutsideTheirModeTestProbesAreIgnored()
    {
        var alone = await SharpTraceRun.RunAsync(["-e", "test:okay { printf(\"ran\\n\"); }"]);
        var withBegin = await SharpTraceRun.RunAsync(["-e", "BEGIN { printf(\"begin\\n\"); } test:okay { printf(\"ran\\n\"); }"]);

        Assert.Equal((1, "", "ERROR: No probes attached; use --test to run test probes.\n"), (alone.ExitCode, alone.Stdout, alone.Stderr));
        Assert.Equal((0, "begin\n"), (withBegin.ExitCode, withBegin.Stdout));
    }
}
