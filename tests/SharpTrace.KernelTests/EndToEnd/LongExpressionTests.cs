using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// Long expressions fit the 512-byte BPF stack: the register allocator spills only what is live, so a chain of 1,000
/// terms (bpftrace 0.17 compiles it) loads and computes its sum. 64 terms once needed a stack slot each and failed.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class LongExpressionTests : KernelTest
{
    [Fact]
    public async Task AThousandTermSumRunsInTheKernel()
    {
        var chain = string.Join(" + ", Enumerable.Repeat("$y", 1000));
        var result = await SharpTraceRun.RunAsync(["-e", $"BEGIN {{ $y = 3; @x = {chain}; exit(); }}"]);

        Assert.Equal((0, "\n\n@x: 3000\n"), (result.ExitCode, result.Stdout));
    }
}
