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
