using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary>
/// Positional parameters read as integer literals are read (the newest bpftrace's runtime/other cases "positional
/// multiple bases" and "positional unsigned hex", found by bench/conformance): a leading 0 is octal, 0x hex, and a
/// value past int64 is a uint64.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PositionalIntegerTests : KernelTest
{
    [Fact]
    public async Task DecimalOctalAndHexParametersAreTheirValues()
    {
        // runtime/other "positional multiple bases": EXPECT got: 123 775 0x123 (0775 is 509, printed by %o as 775).
        var result = await SharpTraceRun.RunAsync(["-q", "-e", """begin { printf("got: %d %o 0x%x\n", $1, $2, $3); exit() }""", "123", "0775", "0x123"]);

        Assert.Equal((0, "got: 123 775 0x123\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task AHexParameterPastInt64IsAUint64()
    {
        // runtime/other "positional unsigned hex": EXPECT 18446744073709551615.
        var result = await SharpTraceRun.RunAsync(["-q", "-e", """begin {printf("%lu", $1);}""", "0xffffffffffffffff"]);

        Assert.Equal((0, "18446744073709551615"), (result.ExitCode, result.Stdout));
    }
}
