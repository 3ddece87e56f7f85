using System.Diagnostics;
using System.Globalization;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// <c>-p PID</c> and <c>-c</c> with uprobes and usdt probes: two instances of tests/programs/usdt_probes run, and only
/// the traced one's events are seen; the kernel installs the probes in that process alone, so only it sees the usdt
/// semaphore raised (the other prints "semaphore 0" every round). <c>-l -p PID</c> lists the process's files' probes.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class TargetProcessTests : KernelTest
{
    private static string Target => TestPrograms.PathOf("usdt_probes");

    [Fact]
    public async Task OnlyTheProcessOfDashPIsProbedAndSeesTheSemaphore()
    {
        // The other instance fires every probe 10 times a second for 10 s, its semaphore never raised.
        using var other = Start("100");
        // The traced one waits for its semaphore (raised when the usdt probe attaches, after the uprobes: the
        // uprobe_multi links go first), fires each probe 5 times, and exits, which ends the trace.
        using var traced = Start("5", "--wait-for-semaphore");
        var script = $$"""
            uprobe:{{Target}}:constants { @constants[pid] = count(); }
            uprobe:{{Target}}:in_* { @in[pid] = count(); }
            uretprobe:*:sized { @sized[pid] = count(); }
            usdt:*:usdt_probes:guarded { @guarded[pid] = count(); }
            """;

        var result = await SharpTraceRun.RunAsync(["-q", "-p", Pid(traced), "-e", script]);

        var p = traced.Id;
        Assert.Equal((0, $"\n\n@constants[{p}]: 5\n@guarded[{p}]: 5\n@in[{p}]: 10\n@sized[{p}]: 5\n"), (result.ExitCode, result.Stdout));
        Assert.Equal(string.Concat(Enumerable.Repeat("semaphore 1\n", 5)), await traced.StandardOutput.ReadToEndAsync());
        var otherRounds = (await other.StopAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(otherRounds);
        Assert.All(otherRounds, line => Assert.Equal("semaphore 0", line));
    }

    [Fact]
    public async Task ProbesOfTheCommandOfDashCFireInItAlone()
    {
        using var other = Start("100");
        var script = $$"""uprobe:{{Target}}:constants { @[pid == cpid] = count(); } usdt:{{Target}}:usdt_probes:guarded { @guarded[pid == cpid] = count(); }""";

        var result = await SharpTraceRun.RunAsync(["-q", "-c", $"{Target} 3 --wait-for-semaphore", "-e", script]);

        // Without the kernel's filter the other instance's calls would count under the key false. The command's own
        // output comes first: it saw its semaphore raised each round.
        Assert.Equal((0, "semaphore 1\nsemaphore 1\nsemaphore 1\n\n\n@[true]: 3\n@guarded[true]: 3\n"), (result.ExitCode, result.Stdout));
        Assert.All((await other.StopAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Equal("semaphore 0", line));
    }

    [Fact]
    public async Task ListingTheUsdtProbesOfAProcessMatchesBpftrace()
    {
        using var traced = Start("100");

        foreach (var pattern in new[] { "usdt:*", "usdt:*:*twice" })
        {
            var expected = await BpftraceRun.RunAsync(["-l", pattern, "-p", Pid(traced)]);
            var actual = await SharpTraceRun.RunAsync(["-l", pattern, "-p", Pid(traced)]);

            Assert.Contains($"usdt:/proc/{traced.Id}/root{Target}:usdt_probes:twice", expected.Stdout);
            Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
        }
    }

    [Fact]
    public async Task ListingTheFunctionsOfAProcessCoversItsLibraries()
    {
        using var traced = Start("100");

        var expected = await BpftraceRun.RunAsync(["-l", "uprobe:*", "-p", Pid(traced)]);
        var actual = await SharpTraceRun.RunAsync(["-l", "uprobe:*", "-p", Pid(traced)]);

        // bpftrace 0.17 lists the program's own functions (the newest adds every mapped library's): those and libc's malloc.
        Assert.Equal(0, actual.ExitCode);
        var lines = actual.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"uprobe:/proc/{traced.Id}/root{Target}:constants", expected.Stdout);
        Assert.All(expected.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains(line, lines));
        Assert.Contains(lines, line => line.StartsWith($"uprobe:/proc/{traced.Id}/root/", StringComparison.Ordinal) && line.Contains("/libc.so.", StringComparison.Ordinal) && line.EndsWith(":malloc", StringComparison.Ordinal));
    }

    private static string Pid(Running running) => running.Id.ToString(CultureInfo.InvariantCulture);

    private static Running Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Target) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return new Running(Process.Start(start) ?? throw new InvalidOperationException("could not start usdt_probes"));
    }

    /// <summary>An instance of usdt_probes, killed when disposed if it still runs.</summary>
    private sealed class Running(Process process) : IDisposable
    {
        public int Id => process.Id;

        public StreamReader StandardOutput => process.StandardOutput;

        /// <summary>Kills the program and returns what it printed.</summary>
        public async Task<string> StopAsync()
        {
            var output = process.StandardOutput.ReadToEndAsync();
            process.Kill();
            await process.WaitForExitAsync();
            return await output;
        }

        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill();
            process.Dispose();
        }
    }
}
