using SharpTrace.Semantics;

namespace SharpTrace.Tests.Probes;

/// <summary>
/// <c>watchpoint:</c> and <c>self:</c> attach points as the newest bpftrace names them (ast.cpp, <c>AttachPoint::name</c>:
/// the address in decimal, the mode sorted), and their place in a program.
/// </summary>
public sealed class WatchpointAndSelfProbeTests
{
    [Fact]
    public void WatchpointIsNamedWithItsAddressInDecimalAndItsModeSorted()
    {
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve("w:0x10000000:8:wr"));

        Assert.Equal(("watchpoint:268435456:8:rw", 0x10000000UL, 8UL, (int?)null), (spec.ToString(), spec.Offset, spec.Period, spec.Pid));
    }

    [Fact]
    public void WatchpointWithAProcessWatchesItAndNamesItsBinary()
    {
        var result = TraceScript.Compile("watchpoint:0x1000:4:x { }", new FakeTracepoints(),
            new CompileOptions { Config = new ProgramConfig { TargetPid = 1 } });

        Assert.Equal(["watchpoint:/proc/1/exe:4096:4:x"], result.Program!.ProbeNames);
    }

    [Theory]
    [InlineData("asyncwatchpoint:*")]
    [InlineData("aw:increment+arg1:4:w")]
    public void DroppedAsyncWatchpointListsNothingAndSaysNothing(string pattern)
    {
        // The newest bpftrace dropped asyncwatchpoint; its -l skips a provider it does not know, silently.
        var listing = new SharpTrace.Probes.ProbeListing(new FakeTracepoints(), _ => null, _ => null);
        var warnings = new List<string>();

        Assert.Equal((0, 0), (listing.List(pattern, warnings.Add).Count(), warnings.Count));
    }

    [Fact]
    public void SelfSignalRunsInOurProcessAndIsNotFiltered()
    {
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve("self:signal:SIGUSR1"));

        Assert.Equal(("self:signal:SIGUSR1", ProbeRun.OnSignal, false), (spec.ToString(), spec.Kind.Run, spec.Kind.Filtered));
    }
}
