using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// <c>while</c> and <c>unroll</c> in the kernel, compared with bpftrace 0.17 (same stdout, text and JSON), and the
/// verifier's answer to a while whose end it cannot see.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class WhileUnrollTests : KernelTest
{
    public static TheoryData<string> Scripts => new()
    {
        // continue skips 3, break stops at 8: 1 + 2 + 4 + 5 + 6 + 7.
        """BEGIN { $i = 0; while ($i < 10) { $i++; if ($i == 3) { continue; } if ($i == 8) { break; } @s = @s + $i; } unroll(3) { @u++; } printf("%d %d\n", $i, @s); exit(); }""",
        // Variables set in the body keep their values across iterations and after the loop.
        """BEGIN { $i = 0; $s = "none"; while ($i < 5) { $i++; if ($i % 2 == 0) { $s = "even"; continue; } $s = "odd"; } printf("%s %d\n", $s, $i); @done = 1; exit(); }""",
        """BEGIN { $i = 0; while ($i < 3) { $j = 0; while ($j < 3) { @m[$i, $j] = $i * 10 + $j; $j++; if ($j > $i) { break; } } $i++; } exit(); }""",
        """BEGIN { $x = 1; unroll(5) { $x = $x * 2; printf("%d\n", $x); } @x = $x; exit(); }""",
        // break inside unroll leaves the enclosing while.
        "BEGIN { $j = 0; while ($j < 3) { unroll(2) { @c++; } $j++; if ($j == 2) { break; } } exit(); }",
        "BEGIN { unroll(100) { @a++; } exit(); }",
        // 100 ms: the second firing must not come before exit() has stopped the probes, even on a loaded machine.
        "interval:ms:100 { $i = 0; while ($i < 4) { @n++; $i++; } exit(); }",
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task TextIsWhatBpftracePrints(string script)
    {
        await AgainstBpftrace.AssertTextMatchesAsync(script);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task JsonIsWhatBpftracePrintsWithoutItsEmptyLines(string script)
    {
        await AgainstBpftrace.AssertJsonLinesMatchAsync(script);
    }

    [Fact]
    public async Task TheBriefExamplePrintsItsSums()
    {
        var result = await SharpTraceRun.RunAsync(["-e",
            """BEGIN { $i = 0; while ($i < 10) { $i++; if ($i == 3) { continue; } if ($i == 8) { break; } @s = @s + $i; } unroll(3) { @u++; } printf("%d %d\n", $i, @s); exit(); }"""]);

        Assert.Equal((0, "8 25\n\n\n@s: 25\n@u: 3\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task WhileCountsAroundAForLoop()
    {
        // A for body runs with the variables in the loop_variables map; only those it assigns come back, so the
        // verifier still knows $j (bpftrace 0.17 has no for loops to compare with).
        var result = await SharpTraceRun.RunAsync(["-e",
            """BEGIN { $j = 0; $last = 0; while ($j < 3) { for ($k : 0..5) { @c++; $last = $k; if ($k == 1) { break; } } $j++; } printf("%d %d\n", $j, $last); exit(); }"""]);

        Assert.Equal((0, "3 1\n\n\n@c: 6\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task LoopTheVerifierCannotSeeEndIsRejectedInOneLine()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "BEGIN { while (1) { @n++; } }"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("ERROR: load program begin: invalid argument\n(run with -v to see the verifier log)\n", result.Stderr);
    }

    [Fact]
    public async Task VerboseShowsTheVerifierFindingTheEndlessLoop()
    {
        var result = await SharpTraceRun.RunAsync(["-v", "-e", "BEGIN { while (1) { } }"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("infinite loop detected", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
