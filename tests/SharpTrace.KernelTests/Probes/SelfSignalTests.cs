using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// <c>self:signal:SIGUSR1</c>: the newest bpftrace runs the probe in its own process each time it receives SIGUSR1
/// (language.md, "self"). The tests send the signal to sharptrace and check what the probe printed, in text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class SelfSignalTests : KernelTest
{
    private const int SIGUSR1 = 10;
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task EachSignalRunsTheProbeInSharptracesOwnProcess()
    {
        using var tool = SharpTraceRun.Start(["-e",
            "self:signal:SIGUSR1 { @n = @n + 1; printf(\"usr1 %d %d\\n\", @n, pid); if (@n == 2) { delete(@n); exit(); } }"]);
        await tool.WaitForAttachedAsync(Bound);

        tool.SendSignal(SIGUSR1);
        await Task.Delay(500);
        tool.SendSignal(SIGUSR1);
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, $"usr1 1 {tool.Id}\nusr1 2 {tool.Id}\n"), (result.ExitCode, result.Stdout));
        Assert.Contains("Attached 1 probe", result.Stderr);
    }

    [Fact]
    public async Task JsonOutputIsWhatTheSameBodyPrintsInBegin()
    {
        const string Body = "{ @n = count(); print(@n); printf(\"done\\n\"); exit(); }";
        var begin = await SharpTraceRun.RunAsync(["-f", "json", "-q", "-e", "BEGIN " + Body]);
        using var tool = SharpTraceRun.Start(["-f", "json", "-q", "-e", "self:signal:SIGUSR1 " + Body]);
        await tool.WaitForAttachedAsync(Bound);

        tool.SendSignal(SIGUSR1);
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("{\"type\": \"printf\", \"data\": \"done\\n\"}", begin.Stdout);
        Assert.Equal(begin.Stdout, result.Stdout);
    }

    [Fact]
    public async Task ProbeFilterLeavesSelfProbesAlone()
    {
        using var tool = SharpTraceRun.Start(["--probe-filter", "nosuch", "-e", "self:signal:SIGUSR1 { printf(\"usr1\\n\"); exit(); }"]);
        await tool.WaitForAttachedAsync(Bound);

        tool.SendSignal(SIGUSR1);
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, "usr1\n"), (result.ExitCode, result.Stdout));
    }
}
