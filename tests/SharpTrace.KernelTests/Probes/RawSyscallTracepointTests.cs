using System.Diagnostics;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// <c>syscalls</c> tracepoints, four or more in a program, run on the raw <c>sys_enter</c>/<c>sys_exit</c> tracepoint
/// through a BPF link, not a perf event, and read their record from the syscall's registers: an <c>openat</c> pair
/// (with a <c>getppid</c> pair beside it) sees what bpftrace 0.17 sees through the tracepoints' own perf events (file
/// name, flags, number, the return value the test causes), and the run holds no perf event, so its exit has nothing
/// for the kernel to wait on. With fewer, each keeps its perf event.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class RawSyscallTracepointTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task AnOpenatPairReadsTheFileNameFlagsNumberAndReturnValueAsBpftraceDoes()
    {
        // The file does not exist: openat fails with ENOENT, -2.
        var path = $"/tmp/sharptrace-raw-syscall-{Guid.NewGuid():N}";
        var script = $$"""
            tracepoint:syscalls:sys_enter_openat /str(args->filename) == "{{path}}"/
            { @t[tid] = 1; printf("enter %s flags=%d mode=%d nr=%d\n", str(args->filename), args->flags, args->mode, args->__syscall_nr); }
            tracepoint:syscalls:sys_exit_openat /@t[tid]/
            { printf("exit ret=%d nr=%d\n", args->ret, args->__syscall_nr); exit(); }
            tracepoint:syscalls:sys_enter_getppid { @getppid = count(); } tracepoint:syscalls:sys_exit_getppid { @getppid = count(); }
            """;

        using var bpftrace = BpftraceRun.Start(["-e", script]);
        var expected = await TraceOneOpenAsync(bpftrace, path);
        using var sharptrace = SharpTraceRun.Start(["-e", script]);
        var actual = await TraceOneOpenAsync(sharptrace, path);

        Assert.Equal(0, actual.ExitCode);
        Assert.Equal([$"enter {path} flags=0 mode=0 nr=257", "exit ret=-2 nr=257"], PrintedLines(expected.Stdout));
        Assert.Equal(PrintedLines(expected.Stdout), PrintedLines(actual.Stdout));
    }

    [Fact]
    public async Task OneOpenatPairKeepsItsPerfEventsAndNoDispatcher()
    {
        using var tool = SharpTraceRun.Start(["-e",
            "tracepoint:syscalls:sys_enter_openat { @opens = count(); } tracepoint:syscalls:sys_exit_openat { @ret = hist(args->ret); }"]);
        await tool.WaitForAttachedAsync(Bound);
        var handles = OpenHandles(tool.Id);
        tool.Interrupt();
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, handles.Count(h => h == "anon_inode:[perf_event]"));
    }

    [Fact]
    public async Task TwoOpenatAndGetppidPairsHoldNoPerfEventAndExitPromptlyOnSigint()
    {
        var leaks = KernelLeakCheck.Start();
        using var tool = SharpTraceRun.Start(["-e",
            "tracepoint:syscalls:sys_enter_openat { @opens = count(); } tracepoint:syscalls:sys_exit_openat { @ret = hist(args->ret); } " +
            "tracepoint:syscalls:sys_enter_getppid { @getppid = count(); } tracepoint:syscalls:sys_exit_getppid { @getppid = count(); }"]);
        await tool.WaitForAttachedAsync(Bound);
        var handles = OpenHandles(tool.Id);
        await TestPrograms.RunAsync("opener", "/etc/hostname");

        var clock = Stopwatch.StartNew();
        tool.Interrupt();
        var result = await tool.WaitForExitAsync(Bound);
        var took = clock.Elapsed;

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("anon_inode:[perf_event]", handles);
        Assert.Equal(2, handles.Count(h => h == "anon_inode:bpf_link"));
        Assert.Matches(@"(?m)^@opens: [1-9]\d*$", result.Stdout);
        Assert.Contains("@ret:\n", result.Stdout);
        // A bound against hangs only (closing the two perf events took 20-50 ms each; timings belong to bench/run).
        Assert.True(took < TimeSpan.FromSeconds(5), $"SIGINT to exit took {took.TotalSeconds:F2} s");
        await leaks.AssertNoLeaksAsync();
    }

    private static async Task<RunResult> TraceOneOpenAsync(TracerProcess tool, string path)
    {
        await tool.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", path);
        return await tool.WaitForExitAsync(Bound);
    }

    private static string[] PrintedLines(string stdout) =>
        stdout.Split('\n').Where(line => line.StartsWith("enter ", StringComparison.Ordinal) || line.StartsWith("exit ", StringComparison.Ordinal)).ToArray();

    // What the tracer's file descriptors are: bpf-map, bpf-prog, bpf_link, [perf_event]...
    private static List<string> OpenHandles(int pid)
    {
        var handles = new List<string>();
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            try
            {
                handles.Add(new FileInfo(fd).LinkTarget ?? "");
            }
            catch (IOException)
            {
                // Closed while we looked.
            }
        }
        return handles;
    }
}
