using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// A probe whose body names <c>probe</c>, or tracepoint args that lie at different offsets in its tracepoints, runs as
/// one program per attach point (as bpftrace compiles it); compared with bpftrace 0.17 on opens the test causes.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ProgramPerAttachPointTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // The scripts end with exit() at the event they wait for: bpftrace 0.17 sometimes hangs on SIGINT here (a CI run
    // timed out waiting for it), so neither tool is interrupted.
    private static async Task<RunResult> TraceOneOpenAsync(TracerProcess tool, string path)
    {
        await tool.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", path);
        return await tool.WaitForExitAsync(Bound);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task ArgsAtDifferentOffsetsAndProbeNameMatchBpftrace(string format)
    {
        // filename is args' second field in sys_enter_open, its third in sys_enter_openat.
        var path = $"/tmp/sharptrace-per-point-{Guid.NewGuid():N}";
        var script = $$"""
            tracepoint:syscalls:sys_enter_open,tracepoint:syscalls:sys_enter_openat
            /str(args->filename) == "{{path}}"/
            { printf("%s %s\n", probe, str(args->filename)); @[probe] = count(); exit(); }
            """;

        using var bpftrace = BpftraceRun.Start(["-f", format, "-e", script]);
        var expected = await TraceOneOpenAsync(bpftrace, path);
        using var sharptrace = SharpTraceRun.Start(["-f", format, "-e", script]);
        var actual = await TraceOneOpenAsync(sharptrace, path);

        Assert.Equal(0, actual.ExitCode);
        if (format == "text")
        {
            Assert.Equal($"tracepoint:syscalls:sys_enter_openat {path}\n\n\n@[tracepoint:syscalls:sys_enter_openat]: 1\n", expected.Stdout);
            Assert.Equal(expected.Stdout, actual.Stdout);
            Assert.Contains("Attached 2 probes", actual.Stderr);
        }
        else
        {
            Assert.Equal(JsonLines.NonEmpty(expected.Stdout), JsonLines.NonEmpty(actual.Stdout));
            JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        }
    }

    [Fact]
    public async Task AFieldOneTracepointLacksIsReportedOnceInBpftracesWords()
    {
        const string Script = """tracepoint:syscalls:sys_enter_openat,tracepoint:syscalls:sys_enter_creat { @[str(args->filename)] = count(); }""";
        var result = await SharpTraceRun.RunAsync(["-e", Script]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(1, result.Stderr.Split("ERROR").Length - 1);
        Assert.Contains("ERROR: Struct/union of type 'struct _tracepoint_syscalls_sys_enter_creat' does not contain a field named 'filename'", result.Stderr);
    }

    [Fact]
    public async Task FilenamePointerKeptInAMapReadsAtExitAsBpftraceReadsIt()
    {
        // opensnoop.bt's pattern: the user pointer is stored at entry (a plain integer in the map), str() at exit.
        var path = $"/tmp/sharptrace-per-point-{Guid.NewGuid():N}";
        var script = $$"""
            tracepoint:syscalls:sys_enter_open,tracepoint:syscalls:sys_enter_openat { @filename[tid] = args->filename; }
            tracepoint:syscalls:sys_exit_open,tracepoint:syscalls:sys_exit_openat /@filename[tid]/
            { if (str(@filename[tid]) == "{{path}}") { printf("%s %d\n", str(@filename[tid]), args->ret < 0); delete(@filename[tid]); exit(); } delete(@filename[tid]); }
            """;

        using var bpftrace = BpftraceRun.Start(["-e", script]);
        var expected = await TraceOneOpenAsync(bpftrace, path);
        using var sharptrace = SharpTraceRun.Start(["-e", script]);
        var actual = await TraceOneOpenAsync(sharptrace, path);

        Assert.StartsWith($"{path} 1\n", expected.Stdout);
        Assert.Equal(0, actual.ExitCode);
        Assert.StartsWith($"{path} 1\n", actual.Stdout);
        // Other processes' opens still between entry and exit when exit() stops the probes leave their pointers in
        // @filename, printed at exit by both tools; nothing else may follow.
        Assert.All(actual.Stdout[$"{path} 1\n".Length..].Split('\n', StringSplitOptions.RemoveEmptyEntries),
            line => Assert.StartsWith("@filename[", line));
    }

    [Fact]
    public async Task ProbeInAProbeWithOneAttachPointIsItsName()
    {
        const string Script = """BEGIN { printf("%s\n", probe); } interval:ms:10 { printf("%s\n", probe); exit(); }""";
        var expected = await BpftraceRun.RunAsync(["-e", Script]);
        var actual = await SharpTraceRun.RunAsync(["-e", Script]);

        // bpftrace 0.17 names BEGIN "BEGIN"; the newest "begin" (runtime/builtin "begin probe": begin-end), which we
        // follow (docs/differences.md).
        Assert.Equal("BEGIN\ninterval:ms:10\n", expected.Stdout.TrimEnd('\n') + "\n");
        Assert.Equal((0, "begin\ninterval:ms:10\n"), (actual.ExitCode, actual.Stdout));
    }
}
