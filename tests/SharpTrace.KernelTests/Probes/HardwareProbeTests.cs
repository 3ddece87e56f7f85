using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// <c>hardware:</c> probes on a machine without hardware counters (this project's test machine has no cpu PMU):
/// the script compiles and loads, and the run fails when it attaches, in one line naming the reason, with nothing left
/// behind. BEGIN has run by then (the newest bpftrace runs BEGIN before it attaches the other probes, 0.17 after;
/// docs/differences.md), but its output is not printed, as neither bpftrace prints it. On a machine with counters the probe fires.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class HardwareProbeTests : KernelTest
{
    private const string Script = "BEGIN { printf(\"begun\\n\"); } hardware:cpu-cycles:100000 { @[cpu] = count(); exit(); }";

    private static bool HasCounters => Directory.Exists("/sys/bus/event_source/devices/cpu");

    [Fact]
    public async Task RunFailsAtAttachWithOneLineWhenTheMachineHasNoCounters()
    {
        var leaks = KernelLeakCheck.Start();

        var result = await SharpTraceRun.RunAsync(["-e", Script]);

        if (HasCounters)
            Assert.Equal((0, "begun\n"), (result.ExitCode, result.Stdout));
        else
        {
            // bpftrace 0.17 here: "perf_event_open failed: No such file or directory" and "Error attaching probe".
            Assert.Contains("Error attaching probe: hardware:cpu-cycles:100000", (await BpftraceRun.RunAsync(["-e", Script])).Stderr);
            Assert.Equal(
                (1, "", "ERROR: hardware:cpu-cycles:100000: hardware probes are not available: this machine has no hardware performance counters (no cpu PMU)\n"),
                (result.ExitCode, result.Stdout, result.Stderr));
        }
        await leaks.AssertNoLeaksAsync();
    }

    [Fact]
    public async Task DryRunLoadsTheProgramWithOrWithoutCounters()
    {
        var leaks = KernelLeakCheck.Start();

        var result = await SharpTraceRun.RunAsync(["--dry-run", "-e", "h:cache-misses:1e6 { @[comm] = count(); }"]);

        Assert.Equal((0, "", ""), (result.ExitCode, result.Stdout, result.Stderr));
        await leaks.AssertNoLeaksAsync();
    }
}
