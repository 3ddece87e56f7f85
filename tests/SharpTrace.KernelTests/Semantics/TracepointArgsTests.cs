using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>Tracepoint arguments typed from tracefs format files, read in the kernel.</summary>
[Trait("Category", "Kernel")]
public sealed class TracepointArgsTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private static async Task<RunResult> TraceOneExecAsync(TracerProcess tool)
    {
        await tool.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", "/dev/null");
        return await tool.WaitForExitAsync(Bound);
    }

    [Fact]
    public async Task DataLocStringFieldReadsAsAString()
    {
        var program = TestPrograms.PathOf("opener");
        // sched_process_exec's filename is "__data_loc char[] filename": offset and length of a string in the record.
        var script = $$"""tracepoint:sched:sched_process_exec /args.filename == "{{program}}"/ { printf("%s|%d\n", args.filename, pid == args.pid); exit(); }""";

        using var tool = SharpTraceRun.Start(["-e", script]);
        var result = await TraceOneExecAsync(tool);

        Assert.Equal((0, $"{program}|1\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task DataLocStringThroughStrMatchesBpftrace()
    {
        var program = TestPrograms.PathOf("opener");
        // bpftrace 0.17 types a __data_loc field as an integer that only str() turns into the string.
        var script = $$"""tracepoint:sched:sched_process_exec /str(args->filename) == "{{program}}"/ { printf("%s\n", str(args->filename)); @execs[str(args->filename)] = count(); exit(); }""";

        using var bpftrace = BpftraceRun.Start(["-e", script]);
        var expected = await TraceOneExecAsync(bpftrace);
        using var sharptrace = SharpTraceRun.Start(["-e", script]);
        var actual = await TraceOneExecAsync(sharptrace);

        Assert.Equal($"{program}\n\n\n@execs[{program}]: 1\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }
}
