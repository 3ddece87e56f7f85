using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Differential;

/// <summary>
/// Integer arithmetic typed as the newest bpftrace types it (type_resolver.cpp, fold_literals.cpp, codegen_llvm.cpp),
/// where bpftrace 0.17 prints other values for the same script (docs/differences.md): a uprobe on probe_args's
/// negate(5) computes them from its argument.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class IntegerTypingDifferentialTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task ArithmeticPrintsAsTheNewestBpftraceTypesIt()
    {
        var script = $$"""
            uprobe:{{TestPrograms.PathOf("probe_args")}}:negate {
              $x = (int32)arg0; $n = -$x; $u = (uint64)$x;
              @sub = $u - 7; @shift = $n >> 1; @not = ~5; @cmp = $u < -1;
              exit();
            }
            """;

        var expected = await TraceAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceAsync(SharpTraceRun.Start(["-e", script]));

        // bpftrace 0.17: `-` of a uint64 is a uint64, `~5` the int64 -6, a uint64 and a negative literal compare
        // unsigned, and its >> of the int32 -5 shifts zeros into 32 bits.
        Assert.Equal("\n\n@cmp: 1\n@not: -6\n@shift: 2147483645\n@sub: 18446744073709551614\n", expected.Stdout);
        // The newest: `-` is always int64; `~` of a literal is a literal, never negative (a uint64); the comparison is
        // in int64, the type holding a uint64 and an int8; >> shifts zeros into the 64-bit value of -5.
        Assert.Equal((0, "@cmp: false\n@not: 18446744073709551610\n@shift: 9223372036854775805\n@sub: -2\n"),
            (actual.ExitCode, actual.Stdout.TrimStart('\n')));
        Assert.Contains("WARNING: Expression of type: uint64 being cast to type: int64. This may cause unexpected results. "
            + "Use an explicit cast to suppress this warning.", actual.Stderr);

        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        Assert.Contains("{\"type\": \"map\", \"data\": {\"@not\": 18446744073709551610}}", json.Stdout);
        Assert.Contains("{\"type\": \"map\", \"data\": {\"@sub\": -2}}", json.Stdout);
        Assert.Contains("{\"type\": \"map\", \"data\": {\"@cmp\": false}}", json.Stdout);
    }

    [Fact]
    public async Task OperatorsOnLiteralsFoldAndUnaryMinusOfAnUnsignedValueIsUnsigned()
    {
        const string script = "BEGIN { print(-8 >> 1); print(1 + 2); print(0xffffffffffffffff - 1); print(1 << 63); "
            + "print(-10 % 3); print(2 * -3); print(1 < 2); print(-(uint32)1); $u = (uint32)1; print(-$u); exit(); }";

        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        // bpftrace 0.17 folds nothing: each operator runs in the program as int64 (>> shifting in zeros, % unsigned),
        // and `-` of a uint32 is a uint32.
        Assert.Equal((0, "9223372036854775804\n3\n-2\n-9223372036854775808\n0\n-6\n1\n4294967295\n4294967295\n"),
            (expected.ExitCode, expected.Stdout.Trim('\n') + "\n"));
        // The newest folds two literals into a literal (tests/fold_literals.cpp: `-8 >> 2` is -2, `0xffffffffffffffff - 1`
        // 18446744073709551614, `1 << 63` 9223372036854775808, `-10 % 3` -1, comparisons bools), and `-` of an
        // unsigned value is a uint64 (type_resolver.cpp).
        const string newest = "-4\n3\n18446744073709551614\n9223372036854775808\n-1\n-6\ntrue\n18446744073709551615\n18446744073709551615\n";
        Assert.Equal((0, newest), (actual.ExitCode, actual.Stdout.Trim('\n') + "\n"));
        Assert.DoesNotContain("WARNING", actual.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, json.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        var values = JsonLines.NonEmpty(json.Stdout).Where(l => l.StartsWith("{\"type\": \"value\"", StringComparison.Ordinal));
        Assert.Equal(newest.TrimEnd('\n').Split('\n').Select(v => $"{{\"type\": \"value\", \"data\": {v}}}"), values);
    }

    private static async Task<RunResult> TraceAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("probe_args");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
