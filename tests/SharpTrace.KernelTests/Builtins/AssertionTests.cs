using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// assert() on a real event (a test program's open() of a missing file): when its condition holds the probe goes on;
/// when not, the reference's message (its errorf in stdlib/base.bt, then the call it was expanded from) goes to stderr,
/// or an errorf record to JSON, and the tracer exits with 1, as bpftrace's runtime test "assert_macro" expects. Also
/// what this kernel answers to kfunc_exist/kfunc_allowed, and fail()'s compile-time stop with its exit status.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class AssertionTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private const string Path = "/nonexistent/sharptrace-assert";

    private static string Script(string condition) =>
        $$"""tracepoint:syscalls:sys_enter_openat /str(args->filename) == "{{Path}}"/ { assert({{condition}}, "flags were not 12345"); printf("held\n"); exit(); }""";

    [Fact]
    public async Task AHoldingAssertionLetsTheProbeGoOn()
    {
        using var sharptrace = SharpTraceRun.Start(["-e", Script("args->flags != 12345")]);
        await sharptrace.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", Path);
        var run = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal((0, "held\n"), (run.ExitCode, run.Stdout));
        Assert.DoesNotContain("ERROR", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingAssertionPrintsTheReferencesErrorAndExitsWithOne()
    {
        var script = Script("args->flags == 12345");
        using var sharptrace = SharpTraceRun.Start(["-e", script]);
        await sharptrace.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", Path);
        var run = await sharptrace.WaitForExitAsync(Bound);

        var call = script.IndexOf("assert(", StringComparison.Ordinal);
        var length = script.IndexOf("; printf", StringComparison.Ordinal) - call;
        Assert.Equal((1, ""), (run.ExitCode, run.Stdout));
        Assert.Contains(
            "stdlib/base.bt:6:5-37: ERROR: assert failed: flags were not 12345\n"
            + $"stdin:1:{call + 1}-{call + 1 + length}: ERROR: expanded from\n{script}\n{new string(' ', call)}{new string('~', length)}\n",
            run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorfInAMacroSaysWhereTheMacroWasCalled()
    {
        // The newest bpftrace's runtime/call "errorf_macro_expansion", whole (bpftrace 0.17 has no macros).
        const string Script = """macro bad() { errorf("Something bad"); } begin { bad(); exit(); }""";
        var run = await SharpTraceRun.RunAsync(["-e", Script]);

        Assert.Equal((0, ""), (run.ExitCode, run.Stdout));
        Assert.Contains("stdin:1:15-38: ERROR: Something bad\nstdin:1:50-55: ERROR: expanded from\n" + Script + "\n" + new string(' ', 49) + "~~~~~\n",
            run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingAssertionIsAnErrorfRecordInJson()
    {
        using var sharptrace = SharpTraceRun.Start(["-f", "json", "-e", Script("args->flags == 12345")]);
        await sharptrace.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", Path);
        var run = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal(1, run.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(run.Stdout);
        Assert.Equal(
            ["""{"type": "errorf", "msg": "assert failed: flags were not 12345", "filename": "stdlib/base.bt", "line": 6, "col": 5}"""],
            JsonLines.NonEmpty(run.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task KfuncBuiltinsGiveThisKernelsAnswers()
    {
        // The kernel's BTF lists bpf_task_from_pid as a function exactly when kallsyms does (it is built in); the
        // verifier lets tracepoint programs call it and refuses BEGIN's raw tracepoint program.
        var exists = File.ReadLines("/proc/kallsyms").Any(l => l.EndsWith(" bpf_task_from_pid", StringComparison.Ordinal)) ? 1 : 0;
        const string script = """
            BEGIN { printf("begin %d\n", kfunc_allowed("bpf_task_from_pid")); }
            tracepoint:syscalls:sys_enter_openat /str(args->filename) == "/nonexistent/sharptrace-kfunc"/ {
              printf("%d %d %d %d\n", kfunc_exist("bpf_task_from_pid"), kfunc_allowed("bpf_task_from_pid"), kfunc_exist("sharptrace_no_such_kfunc"), kfunc_allowed("sharptrace_no_such_kfunc"));
              exit();
            }
            """;
        using var sharptrace = SharpTraceRun.Start(["-e", script]);
        await sharptrace.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", "/nonexistent/sharptrace-kfunc");
        var run = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal(1, exists);
        Assert.Equal((0, "begin 0\n1 1 0 0\n"), (run.ExitCode, run.Stdout));
    }

    [Fact]
    public async Task FailStopsTheCompilationWithItsTextAndStatusOne()
    {
        // The reference's docs/stdlib.md example: $1 is a literal, so fail() can format it.
        const string script = """BEGIN { if ($1 < 2) { fail("Expected the first positional param to be greater than 1. Got %d", $1); } }""";
        var run = await SharpTraceRun.RunAsync(["-e", script, "1"]);

        var call = script.IndexOf("fail(", StringComparison.Ordinal);
        var end = script.IndexOf("; }", StringComparison.Ordinal);
        Assert.Equal((1, ""), (run.ExitCode, run.Stdout));
        Assert.StartsWith($"stdin:1:{call + 1}-{end + 1}: ERROR: Expected the first positional param to be greater than 1. Got 1\n", run.Stderr, StringComparison.Ordinal);
    }
}
