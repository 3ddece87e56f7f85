using System.Diagnostics;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>interval, profile and software probes: perf events of the kernel's software PMU.</summary>
[Trait("Category", "Kernel")]
public sealed class TimerAndSoftwareTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task IntervalFiresOncePerPeriodUntilTheScriptExits()
    {
        var clock = Stopwatch.StartNew();
        var result = await SharpTraceRun.RunAsync(["-e", "interval:ms:100 { @n = count(); if (@n == 3) { exit(); } }"]);

        // The next tick is 100 ms after exit() asks to stop, long after the probes are detached.
        Assert.Equal((0, "\n\n@n: 3\n"), (result.ExitCode, result.Stdout));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), $"three 100 ms ticks took only {clock.Elapsed}");
    }

    [Fact]
    public async Task IntervalInHertzAndAliasWork()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "i:hz:20 { @n = count(); if (@n == 2) { exit(); } }"]);

        Assert.Equal((0, "\n\n@n: 2\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ProfileSamplesEveryOnlineCpu()
    {
        var online = SharpTrace.Kernel.PerfEvent.OnlineCpus();
        var script = "profile:hz:200 { @cpus[cpu] = 1; } interval:ms:500 { exit(); }";

        using var tool = SharpTraceRun.Start(["-e", script]);
        await tool.WaitForAttachedAsync(Bound);
        // The cpu-clock timer does not sample an idle CPU: keep every online CPU busy for a while.
        await Task.WhenAll(online.Select(BusyOnCpuAsync));
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal(0, result.ExitCode);
        var sampled = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => int.Parse(line["@cpus[".Length..line.IndexOf(']')]))
            .Order();
        Assert.Equal(online, sampled);
        Assert.Contains("Attached 2 probes", result.Stderr);
    }

    private static async Task BusyOnCpuAsync(int cpu)
    {
        using var busy = System.Diagnostics.Process.Start("taskset", ["-c", cpu.ToString(), "timeout", "0.3", "sh", "-c", "while :; do :; done"]);
        await busy.WaitForExitAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task SoftwarePageFaultsOfAProgramWeRunAreSeen()
    {
        var script = """software:faults:1 /comm == "probe_args"/ { printf("fault\n"); exit(); }""";
        using var tool = SharpTraceRun.Start(["-e", script]);
        await tool.WaitForAttachedAsync(Bound);

        await TestPrograms.RunAsync("probe_args");
        var result = await tool.WaitForExitAsync(Bound);

        // Faults on the other CPU may land before exit() takes effect, so there may be more than one line.
        Assert.Equal(0, result.ExitCode);
        Assert.NotEmpty(result.Stdout);
        Assert.All(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Equal("fault", line));
    }

    [Fact]
    public async Task SoftwareContextSwitchesWithDefaultPeriodAttachOnEveryCpu()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "software:context-switches { @ = 1; exit(); }"]);

        Assert.Equal((0, "\n\n@: 1\n"), (result.ExitCode, result.Stdout));
    }
}
