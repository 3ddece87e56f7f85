using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// Which probes a run attaches, as the newest bpftrace chooses them: <c>--probe-filter REGEX</c> (man page: only probes
/// whose name matches are loaded and attached, BEGIN and END always; none left is "No probes to attach") and the
/// <c>missing_probes</c> config (a point that matches nothing or cannot attach is an error, or skipped with warnings).
/// Each run causes the events it traces, with the leak check.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ProbeSelectionTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private static string OpenerScript(string path) => $$"""
        BEGIN { printf("begin\n"); }
        tracepoint:syscalls:sys_enter_openat /comm == "opener" && str(args.filename) == "{{path}}"/ { printf("openat\n"); }
        tracepoint:syscalls:sys_enter_exit_group /comm == "opener"/ { printf("exit_group\n"); exit(); }
        """;

    private static async Task<RunResult> TraceOpenerAsync(params string[] options)
    {
        var path = $"/nonexistent-probe-filter-{Guid.NewGuid():N}";
        using var tool = SharpTraceRun.Start([.. options, "-e", OpenerScript(path)]);
        await tool.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", path);
        return await tool.WaitForExitAsync(Bound);
    }

    [Fact]
    public async Task ProbeFilterAttachesOnlyTheMatchingProbesAndBegin()
    {
        var all = await TraceOpenerAsync();
        var filtered = await TraceOpenerAsync("--probe-filter", "exit_gr[aeiou]up$");

        Assert.Equal((0, "begin\nopenat\nexit_group\n"), (all.ExitCode, all.Stdout));
        Assert.Contains("Attached 3 probes", all.Stderr);
        Assert.Equal((0, "begin\nexit_group\n"), (filtered.ExitCode, filtered.Stdout));
        Assert.Contains("Attached 2 probes", filtered.Stderr);
    }

    [Fact]
    public async Task ProbeFilterMatchingNothingHasNoProbesToAttach()
    {
        var result = await SharpTraceRun.RunAsync(["--probe-filter", "nosuch", "-e", "tracepoint:syscalls:sys_enter_getppid { }"]);

        Assert.Equal((1, "No probes to attach\n", ""), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task InvalidProbeFilterIsOneLine()
    {
        var result = await SharpTraceRun.RunAsync(["--probe-filter", "(", "-e", "BEGIN { }"]);

        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.Matches("^ERROR: Invalid --probe-filter regex '\\(': [^\n]+\n$", result.Stderr);
    }

    [Fact]
    public async Task MissingTracepointIsAnErrorByDefaultAndSkippedUnderWarn()
    {
        const string Probes = "tracepoint:syscalls:nonsense { } BEGIN { printf(\"ok\\n\"); exit(); }";

        var error = await SharpTraceRun.RunAsync(["-e", Probes]);
        var warn = await SharpTraceRun.RunAsync(["-e", "config = { missing_probes = \"warn\" } " + Probes]);
        var ignore = await SharpTraceRun.RunAsync(["-e", "config = { missing_probes = \"ignore\" } " + Probes]);

        Assert.Equal(1, error.ExitCode);
        Assert.StartsWith("stdin:1:1-29: ERROR: No matches for tracepoint syscalls:nonsense.\n", error.Stderr);
        Assert.Equal((0, "ok\n"), (warn.ExitCode, warn.Stdout));
        Assert.Contains("WARNING: No matches for tracepoint syscalls:nonsense. Skipping.\n", warn.Stderr);
        Assert.Contains("WARNING: Probe has no valid attach points. It is being removed which may cause issues with program behavior.\n", warn.Stderr);
        Assert.Equal((0, "ok\n"), (ignore.ExitCode, ignore.Stdout));
        Assert.DoesNotContain("WARNING", ignore.Stderr);
    }

    [Fact]
    public async Task AProbeThisKernelCannotAttachIsSkippedUnderWarn()
    {
        // kprobes cannot attach on this kernel (no kprobe PMU): bpftrace's attach failure, skipped as it skips one.
        const string Probes = "kprobe:vfs_read { @reads = count(); } BEGIN { printf(\"ok\\n\"); exit(); }";

        var error = await SharpTraceRun.RunAsync(["-e", Probes]);
        var warn = await SharpTraceRun.RunAsync(["-e", "config = { missing_probes = \"warn\" } " + Probes]);

        Assert.Equal((1, ""), (error.ExitCode, error.Stdout));
        Assert.Matches("^ERROR: kprobe:vfs_read: [^\n]+\n$", error.Stderr);
        Assert.Equal((0, "ok\n"), (warn.ExitCode, warn.Stdout));
        Assert.Matches("WARNING: kprobe:vfs_read: [^\n]+\nWARNING: Unable to attach probe: kprobe:vfs_read. Skipping.\n", warn.Stderr);
        Assert.Contains("Attached 1 probe", warn.Stderr);
    }
}
