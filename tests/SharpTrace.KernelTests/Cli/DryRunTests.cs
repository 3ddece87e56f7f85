using SharpTrace.KernelTests.Api;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary><c>--dry-run</c>: maps created and programs loaded (the verifier checks them), nothing attached, nothing left.</summary>
[Trait("Category", "Kernel")]
public sealed class DryRunTests : KernelTest
{
    [Fact]
    public async Task DryRunFailsWithTheRealRunsErrorForAProgramTheVerifierRejects()
    {
        var leaks = KernelLeakCheck.Start();

        var dryRun = await SharpTraceRun.RunAsync(["--dry-run", "-e", VerifyTests.EndlessLoop]);
        var realRun = await SharpTraceRun.RunAsync(["-e", VerifyTests.EndlessLoop]);

        Assert.Equal((1, ""), (dryRun.ExitCode, dryRun.Stdout));
        Assert.StartsWith("ERROR: load program begin: ", dryRun.Stderr);
        Assert.Equal(realRun with { Stdout = "" }, dryRun);
        Assert.Equal("", realRun.Stdout);
        await leaks.AssertNoLeaksAsync();
    }

    [Fact]
    public async Task DryRunOfAGoodProgramExitsZeroAttachesNothingAndLeavesNothingLoaded()
    {
        var leaks = KernelLeakCheck.Start();

        var result = await SharpTraceRun.RunAsync(
            ["--dry-run", "-e", "BEGIN { printf(\"begin\\n\"); } tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }"]);

        Assert.Equal((0, "", ""), (result.ExitCode, result.Stdout, result.Stderr));
        await leaks.AssertNoLeaksAsync();
    }
}
