using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// strerror(n) of the errors a test program's failed open() gets (ENOENT, then ENOTDIR), printed with printf's %s and
/// as map values and keys, in text and JSON; the text is checked against bpftrace 0.17 running the same script.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class StrerrorTests : KernelTest
{
    // bpftrace 0.17 aborts on a strerror map key, so the script compared with it has none.
    private const string Script = """
        tracepoint:syscalls:sys_exit_openat /comm == "opener" && args->ret < 0/ {
          printf("%s|\n", strerror(-args->ret)); @last = strerror(-args->ret); @n++; if (@n == 2) { exit(); }
        }
        """;

    [Fact]
    public async Task FailedOpensPrintLibcsTextAsBpftraceDoes()
    {
        using var bpftrace = BpftraceRun.Start(["-e", Script]);
        var expected = await OpenTwiceAsync(bpftrace);
        using var sharptrace = SharpTraceRun.Start(["-e", Script]);
        var actual = await OpenTwiceAsync(sharptrace);

        Assert.Equal("No such file or directory|\nNot a directory|\n\n\n@last: Not a directory\n@n: 2\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task JsonHasTheTextAsStrings()
    {
        var script = Script.Replace("@n++;", "@n++; @errors[strerror(-args->ret)] = count();", StringComparison.Ordinal);
        using var sharptrace = SharpTraceRun.Start(["-f", "json", "-e", script]);
        var actual = await OpenTwiceAsync(sharptrace);

        Assert.Equal(0, actual.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        Assert.Equal(
        [
            """{"type": "printf", "data": "No such file or directory|\n"}""",
            """{"type": "printf", "data": "Not a directory|\n"}""",
            """{"type": "map", "data": {"@errors": {"No such file or directory": 1, "Not a directory": 1}}}""",
            """{"type": "map", "data": {"@last": "Not a directory"}}""",
            """{"type": "map", "data": {"@n": 2}}""",
        ], JsonLines.NonEmpty(actual.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    private static Task<RunResult> OpenTwiceAsync(TracerProcess tool) =>
        TestPrograms.RunWhileTracedAsync(tool, "opener", "/nonexistent/sharptrace-strerror", "/etc/passwd/sharptrace-strerror");
}
