using System.Diagnostics;
using SharpTrace.KernelTests.Support;
using SharpTrace.Output;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// Hundreds of tracepoints: the probes stop and the maps are printed at once when the run ends, before the perf events
/// are closed (the kernel waits for a grace period per tracepoint there), and nothing stays loaded afterwards.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ManyProbesExitTests : KernelTest
{
    // Generous: stopping 361 probes takes well under a second here; closing their perf events took 17-20 s before.
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task EverySyscallEntryTracepointStopsAndPrintsItsMapsWithinSecondsOfExit()
    {
        var leaks = KernelLeakCheck.Start();
        var result = TraceScript.Compile("tracepoint:syscalls:sys_enter_* { @[probe] = count(); } interval:ms:100 { exit(); }");
        Assert.True(result.Success, string.Concat(result.Diagnostics.Select(d => d.Format())));
        var events = new List<(TraceEvent Event, TimeSpan At)>();
        var clock = Stopwatch.StartNew();

        await Task.Run(() => result.Program!.Run(e => events.Add((e, clock.Elapsed))));

        var attached = Assert.Single(events, e => e.Event is AttachedEvent);
        Assert.True(((AttachedEvent)attached.Event).ProbeCount > 300, $"attached {attached.Event}");
        var stopped = Assert.Single(events, e => e.Event is StoppedEvent);
        var map = Assert.IsType<MapEvent>(Assert.Single(events, e => e.Event is MapEvent).Event);
        // The run itself makes syscalls (epoll_wait or epoll_pwait, at least) while the probes are live.
        Assert.Contains(map.Map.Entries, entry => entry.Key[0] is StringValue { Value: var name } && name.StartsWith("tracepoint:syscalls:sys_enter_epoll", StringComparison.Ordinal));
        Assert.True(stopped.At - attached.At < StopBound,
            $"maps printed {(stopped.At - attached.At).TotalSeconds:F2} s after the probes were attached (interval:ms:100 calls exit())");
        Assert.IsType<ExitEvent>(events[^1].Event);
        await leaks.AssertNoLeaksAsync();
    }
}
