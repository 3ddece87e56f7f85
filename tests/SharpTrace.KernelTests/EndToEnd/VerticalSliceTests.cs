using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>The vertical slice's promises, each run through the real `sharptrace` binary against the real kernel.</summary>
[Trait("Category", "Kernel")]
public sealed class VerticalSliceTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task ClearedScalarMapPrintsNothingAtExitAfterSigint()
    {
        // An attached probe that never fires keeps the run going until SIGINT (begin and end alone end by themselves).
        using var tool = SharpTraceRun.Start(["-e", "BEGIN { @myarg = 5; } END { clear(@myarg); } interval:s:3600 { }"]);
        await tool.WaitForAttachedAsync(Bound);

        tool.Interrupt();
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, ""), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ClearedScalarMapWritesNotAByteToStdoutWithoutTheNotifyVariable()
    {
        var environment = new Dictionary<string, string> { [TracerProcess.NotifyProbesAttached] = "" };
        using var tool = SharpTraceRun.Start(["-e", "BEGIN { @myarg = 5; } END { clear(@myarg); } interval:s:3600 { }"], environment);
        await tool.WaitForAttachedAsync(Bound);

        tool.Interrupt();
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, "", "Attached 3 probes\n"), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task MissingTracefsIsMountedByTheTool()
    {
        // A private mount namespace lets the test unmount tracefs without touching the machine's mount.
        var script = "tracepoint:syscalls:sys_enter_getppid { @n = count(); } BEGIN { printf(\"attached\\n\"); exit(); }";
        using var tool = new TracerProcess("unshare", "/usr/bin/unshare",
            ["--mount", "--propagation", "private", "/bin/sh", "-c",
             "umount /sys/kernel/tracing && ! test -d /sys/kernel/tracing/events && \"$0\" -e \"$1\" && test -d /sys/kernel/tracing/events",
             SharpTraceRun.BinaryPath, script],
            null, stdout => stdout, stderr => stderr);
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, "attached\n"), (result.ExitCode, result.Stdout));
        Assert.Contains("Attached 2 probes", result.Stderr);
    }

    [Fact]
    public async Task DumpBpfPrintsReadableAssemblyAndLoadsNothing()
    {
        var result = await SharpTraceRun.RunAsync(["-d", "bpf", "-e", "BEGIN { @x = 1; exit(); }"]);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        Assert.Equal("begin:", lines[0]); // the newest's name for BEGIN
        // The value is built on the stack (the unused context is not saved), @x is updated from the stack, the exit
        // record goes to the ring buffer.
        Assert.Equal("0: (7a) *(u64 *)(r10 -8) = 1", lines[1]);
        Assert.Contains("2: (18) r1 = map[@x]", lines);
        Assert.Contains(lines, line => line.EndsWith(": (85) call bpf_map_update_elem#2", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.EndsWith(": (85) call bpf_ringbuf_output#130", StringComparison.Ordinal));
        Assert.EndsWith(": (95) exit", lines.Last(line => line.Length > 0));
        Assert.DoesNotContain("Attached", result.Stderr);
    }

    [Fact]
    public async Task ScalarMapIsPrintedAtExitLikeBpftrace()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "BEGIN { @myarg = 5; exit(); }"]);

        // bpftrace 0.17 prints exactly this after its "Attaching 1 probe..." line.
        Assert.Equal((0, "\n\n@myarg: 5\n"), (result.ExitCode, result.Stdout));
        Assert.Contains("Attached 1 probe", result.Stderr);
    }

    [Fact]
    public async Task OpenatTracepointCatchesAChildProcessByFilename()
    {
        var path = $"/tmp/sharptrace-slice-{Guid.NewGuid():N}";
        var script = $$"""
            tracepoint:syscalls:sys_enter_openat /str(args.filename) == "{{path}}"/ {
              printf("%d %s\n", pid, comm);
              exit();
            }
            """;
        using var tool = SharpTraceRun.Start(["-e", script]);
        await tool.WaitForAttachedAsync(Bound);

        using var child = System.Diagnostics.Process.Start(TestPrograms.PathOf("opener"), path)!;
        await child.WaitForExitAsync().WaitAsync(Bound);

        var result = await tool.WaitForExitAsync(Bound);
        Assert.Equal((0, $"{child.Id} opener\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task SyntaxErrorGetsCaretMessageAndExitCodeOne()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "BEGIN { @x = 1 +; }"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var lines = result.Stderr.Split('\n');
        Assert.Matches(@"^stdin:1:\d+-\d+: ERROR: ", lines[0]);
        Assert.Equal("BEGIN { @x = 1 +; }", lines[1]);
        Assert.Matches(@"^ *~+$", lines[2]);
    }

    [Fact]
    public async Task UnknownFunctionGetsCaretMessageAndExitCodeOne()
    {
        var result = await SharpTraceRun.RunAsync(["-e", """BEGIN { @x = 1; prnt("a"); }"""]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "stdin:1:17-21: ERROR: Unknown function: prnt\n" +
            "BEGIN { @x = 1; prnt(\"a\"); }\n" +
            "                ~~~~\n",
            result.Stderr);
    }

    [Fact]
    public async Task RunningWithoutRootGivesOneClearLine()
    {
        var binary = SharpTraceRun.BinaryPath;
        var result = await RunAsNobodyAsync(binary, "-e", "BEGIN { exit(); }");

        Assert.Equal(1, result.ExitCode);
        var lines = result.Stderr.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("ERROR: sharptrace must run as root", lines[0]);
    }

    private static async Task<RunResult> RunAsNobodyAsync(params string[] command)
    {
        var start = new System.Diagnostics.ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--" }.Concat(command))
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_HOME"] = "/tmp";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Bound);
        return new RunResult(process.ExitCode, await stdout, await stderr);
    }
}
