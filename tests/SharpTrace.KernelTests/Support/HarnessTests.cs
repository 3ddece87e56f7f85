namespace SharpTrace.KernelTests.Support;

/// <summary>
/// Proves the harness against the reference bpftrace, so a failing sharptrace test means sharptrace,
/// not the harness. Expected outputs come from bpftrace 0.17 runs on this machine.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class HarnessTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task BpftraceBeginPrintfIsCapturedWithoutHarnessNoise()
    {
        var result = await BpftraceRun.RunAsync(["-e", """BEGIN { printf("hi\n"); exit(); }"""]);

        // bpftrace 0.17 ends with the exit section's two newlines even without maps.
        Assert.Equal(new RunResult(0, "hi\n\n\n", ""), result);
    }

    [Fact]
    public async Task BpftraceSeesAnOpenTriggeredAfterAttach()
    {
        var path = $"/tmp/sharptrace-opener-{Guid.NewGuid():N}";
        var script = $$"""
            tracepoint:syscalls:sys_enter_openat /comm == "opener" && str(args->filename) == "{{path}}"/ {
              printf("%s\n", str(args->filename)); exit();
            }
            """;
        using var tool = BpftraceRun.Start(["-e", script]);
        await tool.WaitForAttachedAsync(Bound);

        await TestPrograms.RunAsync("opener", path);

        var result = await tool.WaitForExitAsync(Bound);
        // stderr holds bpftrace 0.17's "Addrspace mismatch" warning about the string compare.
        Assert.Equal((0, $"{path}\n\n\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task BpftraceCountsUprobeTargetCallsUntilInterrupted()
    {
        var target = TestPrograms.PathOf("uprobe_target");
        using var tool = BpftraceRun.Start(
            ["-e", $"uprobe:{target}:target_add {{ @calls = count(); }} uretprobe:{target}:target_add {{ @sum = sum(retval); }}"]);
        await tool.WaitForAttachedAsync(Bound);

        var run = await TestPrograms.RunAsync("uprobe_target", "7");
        tool.Interrupt();

        Assert.Equal("28\n", run.Stdout);
        Assert.Equal(new RunResult(0, "\n\n@calls: 7\n@sum: 28\n", ""), await tool.WaitForExitAsync(Bound));
    }

    [Fact]
    public async Task WaitForAttachedReportsStderrWhenTheToolFailsFirst()
    {
        using var tool = BpftraceRun.Start(["-e", "BEGIN { prnt(); }"]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => tool.WaitForAttachedAsync(Bound));

        Assert.Contains("before its probes were attached", error.Message);
        Assert.Contains("Unknown function: prnt", error.Message);
        Assert.Equal(1, (await tool.WaitForExitAsync(Bound)).ExitCode);
    }

    [Fact]
    public async Task WaitForExitKillsTheToolOnTimeout()
    {
        using var tool = BpftraceRun.Start(["-e", "interval:s:60 { exit(); }"]);
        await tool.WaitForAttachedAsync(Bound);

        await Assert.ThrowsAsync<TimeoutException>(() => tool.WaitForExitAsync(TimeSpan.FromMilliseconds(100)));

        Assert.True(tool.HasExited);
    }

    [Fact]
    public async Task LeakCheckSeesProgramsWhileAttachedAndNoneAfterExit()
    {
        var leaks = KernelLeakCheck.Start();
        using var tool = BpftraceRun.Start(["-e", "tracepoint:syscalls:sys_enter_getppid { @n = count(); }"]);
        await tool.WaitForAttachedAsync(Bound);

        Assert.Contains(leaks.NewPrograms(), program => program.Type == "tracepoint");
        Assert.NotEmpty(leaks.NewMaps());

        tool.Terminate();
        Assert.Equal(0, (await tool.WaitForExitAsync(Bound)).ExitCode);
        await leaks.AssertNoLeaksAsync();
    }

    [Fact]
    public async Task LeakCheckIgnoresTheObjectsOfAnotherTracerRunningBeside()
    {
        // 50 tracepoints, as a user tracing in another terminal would have them while the suite runs.
        var probes = Directory.GetDirectories("/sys/kernel/tracing/events/syscalls", "sys_enter_*")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(50)
            .Select(name => $"tracepoint:syscalls:{name}").ToList();
        Assert.Equal(50, probes.Count);
        var leaks = KernelLeakCheck.Start();
        using var other = BpftraceRun.Start(["-e", string.Join(",\n", probes) + " { @[probe] = count(); }"]);
        await other.WaitForAttachedAsync(Bound);

        // A trace that loads programs and maps of its own, on a tracepoint it causes.
        var ours = await SharpTraceRun.RunAsync(["-e", "tracepoint:syscalls:sys_enter_getpid /comm == \"getpid_flood\"/ { @n = count(); exit(); } BEGIN { @x = 1; }", "-c", TestPrograms.PathOf("getpid_flood") + " 10"]);

        Assert.Equal(0, ours.ExitCode);
        Assert.Contains("@n: ", ours.Stdout);
        Assert.True(leaks.NewPrograms().Count >= 50, "the other tracer's programs are loaded while the check runs");
        await leaks.AssertNoLeaksAsync();
        // A deliberate leak beside the other tracer is still seen, and only it.
        using (var map = SharpTrace.Kernel.BpfMap.Create(SharpTrace.Kernel.BpfMapType.Hash, 8, 8, 1, "leaked_beside"))
            Assert.Equal(["leaked_beside"], leaks.Leaks().Select(leak => leak.Contains("leaked_beside") ? "leaked_beside" : leak));
        other.Terminate();
        // bpftrace 0.17 releases its 50 perf events one after another, each waiting for the kernel (docs/benchmarks.md):
        // about 3 s on a calm machine, over 30 s on a loaded one.
        await other.WaitForExitAsync(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public void LeakCheckReportsAMapThisProcessStillHolds()
    {
        var leaks = KernelLeakCheck.Start();
        using (var map = SharpTrace.Kernel.BpfMap.Create(SharpTrace.Kernel.BpfMapType.Hash, 8, 8, 1, "leaked_on_purpose"))
            Assert.Contains(leaks.Leaks(), leak => leak.StartsWith("map ", StringComparison.Ordinal) && leak.Contains("leaked_on_purp"));
        var deadline = DateTime.UtcNow + Bound;
        while (leaks.Leaks().Count > 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(50);
        Assert.Empty(leaks.Leaks());
    }

    [Fact]
    public void MissingTestProgramSaysHowToBuildIt()
    {
        var error = Assert.Throws<FileNotFoundException>(() => TestPrograms.PathOf("no_such_program"));

        Assert.Contains("./test.sh compiles tests/programs/no_such_program.c", error.Message);
    }

    [Fact]
    public void SharpTraceBinaryIsBuilt()
    {
        Assert.True(File.Exists(SharpTraceRun.BinaryPath));
    }

    [Theory]
    [InlineData("a\n__BPFTRACE_NOTIFY_PROBES_ATTACHED\nb\n", "a\nb\n")]
    [InlineData("a\n__BPFTRACE_NOTIFY_PROBES_ATTACHED", "a\n")]
    [InlineData("no newline at end", "no newline at end")]
    public void DropLinesKeepsEverythingElseByteForByte(string text, string expected)
    {
        Assert.Equal(expected, TracerProcess.DropLines(text, line => line == TracerProcess.NotifyProbesAttached));
    }
}
