using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// The effects of a script on the world, each caused by a real event and checked against what it affects: the
/// signal a test program receives (and bpftrace 0.17 sending the same), the exit status of the tracer, errorf/warnf
/// on stderr or as JSON records with the file name the traced open() used, and getopt's values from the command line.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class EffectsTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private const string SignalScript = """tracepoint:syscalls:sys_enter_getppid /comm == "signal_wait"/ { signal("SIGUSR1"); exit(); }""";

    [Fact]
    public async Task SignalReachesTheTracedProcessAsWithBpftrace()
    {
        using (var bpftrace = BpftraceRun.Start(["--unsafe", "-e", SignalScript]))
        {
            await bpftrace.WaitForAttachedAsync(Bound);
            var program = await TestPrograms.RunAsync("signal_wait");
            Assert.Equal((0, "got signal 10\n"), (program.ExitCode, program.Stdout));
            await bpftrace.WaitForExitAsync(Bound);
        }

        using var sharptrace = SharpTraceRun.Start(["--unsafe", "-e", SignalScript]);
        await sharptrace.WaitForAttachedAsync(Bound);
        var received = await TestPrograms.RunAsync("signal_wait");
        var run = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal((0, "got signal 10\n"), (received.ExitCode, received.Stdout));
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task SignalByNumberInJson()
    {
        const string script = """tracepoint:syscalls:sys_enter_getppid /comm == "signal_wait"/ { signal_thread(12); printf("sent\n"); exit(); }""";
        using var sharptrace = SharpTraceRun.Start(["--unsafe", "-f", "json", "-e", script]);
        await sharptrace.WaitForAttachedAsync(Bound);
        var received = await TestPrograms.RunAsync("signal_wait");
        var run = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal((0, "got signal 12\n"), (received.ExitCode, received.Stdout));
        Assert.Contains("""{"type": "printf", "data": "sent\n"}""", JsonLines.NonEmpty(run.Stdout));
    }

    [Fact]
    public async Task SignalWithoutUnsafeIsRefusedAsByBpftrace()
    {
        var expected = await BpftraceRun.RunAsync(["-e", SignalScript]);
        var actual = await SharpTraceRun.RunAsync(["-e", SignalScript]);

        Assert.Contains("ERROR: signal() is an unsafe function being used in safe mode", expected.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, actual.ExitCode);
        Assert.Contains("stdin:1:65-82: ERROR: signal() is an unsafe function being used in safe mode", actual.Stderr, StringComparison.Ordinal);
        Assert.Contains("stdin:1:65-82: ERROR: signal() is an unsafe function being used in safe mode", expected.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitCodeIsTheTracersExitStatus()
    {
        var begin = await SharpTraceRun.RunAsync(["-e", "BEGIN { exit(3); }"]);
        Assert.Equal(3, begin.ExitCode);

        using var sharptrace = SharpTraceRun.Start(["-e", """tracepoint:syscalls:sys_enter_openat /comm == "opener"/ { exit(7); } END { printf("end\n"); }"""]);
        await sharptrace.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", "/nonexistent/sharptrace-exit");
        var run = await sharptrace.WaitForExitAsync(Bound);
        Assert.Equal((7, "end\n"), (run.ExitCode, run.Stdout));
    }

    private const string MessageScript = """
        tracepoint:syscalls:sys_enter_openat /str(args->filename) == "/nonexistent/sharptrace-errorf"/ { errorf("open of %s by %s", str(args->filename), comm); warnf("by opener"); exit(); }
        """;

    [Fact]
    public async Task ErrorfAndWarnfGoToStderrWithTheirPlace()
    {
        using var sharptrace = SharpTraceRun.Start(["-e", MessageScript]);
        await sharptrace.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", "/nonexistent/sharptrace-errorf");
        var run = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal((0, ""), (run.ExitCode, run.Stdout));
        Assert.Contains("stdin:1:98-151: ERROR: open of /nonexistent/sharptrace-errorf by opener\n", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("stdin:1:153-171: WARNING: by opener\n", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorfAndWarnfAreJsonRecordsAndNoWarningsSilencesWarnf()
    {
        using var sharptrace = SharpTraceRun.Start(["-f", "json", "-e", MessageScript]);
        await sharptrace.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", "/nonexistent/sharptrace-errorf");
        var run = await sharptrace.WaitForExitAsync(Bound);
        JsonLines.AssertEveryLineIsAnObject(run.Stdout);
        Assert.Equal(
        [
            """{"type": "errorf", "msg": "open of /nonexistent/sharptrace-errorf by opener", "filename": "stdin", "line": 1, "col": 98}""",
            """{"type": "warnf", "msg": "by opener", "filename": "stdin", "line": 1, "col": 153}""",
        ], JsonLines.NonEmpty(run.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));

        using var quiet = SharpTraceRun.Start(["--no-warnings", "-e", MessageScript]);
        await quiet.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", "/nonexistent/sharptrace-errorf");
        var silenced = await quiet.WaitForExitAsync(Bound);
        Assert.Contains("ERROR: open of /nonexistent/sharptrace-errorf by opener", silenced.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", silenced.Stderr, StringComparison.Ordinal);
    }

    private const string GetoptScript = """
        BEGIN { printf("%d %s %d %d\n", getopt("aa", 10, "Description of aa"), getopt("bb", "hello"), getopt("cc"), getopt("dd", -2)); exit(); }
        """;

    [Fact]
    public async Task GetoptReadsNamedArgumentsAfterTheDoubleDash()
    {
        var defaults = await SharpTraceRun.RunAsync(["-e", GetoptScript]);
        Assert.Equal((0, "10 hello 0 -2\n"), (defaults.ExitCode, defaults.Stdout));

        var given = await SharpTraceRun.RunAsync(["-f", "json", "-e", GetoptScript, "--", "--cc", "--bb=bye", "--aa=20", "--dd=-7"]);
        Assert.Contains("""{"type": "printf", "data": "20 bye 1 -7\n"}""", JsonLines.NonEmpty(given.Stdout));
    }

    [Fact]
    public async Task UnknownOrBadlyTypedNamedArgumentsStopTheRun()
    {
        var unknown = await SharpTraceRun.RunAsync(["-e", GetoptScript, "--", "--zz=1"]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("ERROR: unexpected program command line options: --zz\nHINT: expected program options: --aa: --bb: --cc: --dd\n", unknown.Stderr, StringComparison.Ordinal);

        var help = await SharpTraceRun.RunAsync(["-e", GetoptScript, "--", "--help"]);
        Assert.Equal((1, "HINT: expected program options:\n--aa: Description of aa\n--bb\n--cc\n--dd\n"), (help.ExitCode, help.Stderr));

        var bad = await SharpTraceRun.RunAsync(["-e", GetoptScript, "--", "--aa=ten"]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("ERROR: program command line option --aa expects an integer (value: ten)", bad.Stderr, StringComparison.Ordinal);
    }
}
