using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>exit(): what the probes send after it is not printed, as in bpftrace; END still runs and prints.</summary>
[Trait("Category", "Kernel")]
public sealed class ExitTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task EventsQueuedBehindExitAreNotPrinted()
    {
        // opener makes dozens of syscalls in a burst: many of them fire the probe before the tool reads the exit record.
        const string script = """tracepoint:raw_syscalls:sys_enter /comm == "opener"/ { @n = count(); printf("event\n"); exit(); } END { printf("end\n"); }""";
        using var tool = SharpTraceRun.Start(["--no-print-maps", "-e", script]);
        await tool.WaitForAttachedAsync(Bound);

        await TestPrograms.RunAsync("opener", "/dev/null");
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, "event\nend\n"), (result.ExitCode, result.Stdout));
    }
}
