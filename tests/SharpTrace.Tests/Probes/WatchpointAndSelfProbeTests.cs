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

    [Fact]
    public void SelfSignalRunsInOurProcessAndIsNotFiltered()
    {
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve("self:signal:SIGUSR1"));

        Assert.Equal(("self:signal:SIGUSR1", ProbeRun.OnSignal, false), (spec.ToString(), spec.Kind.Run, spec.Kind.Filtered));
    }
}
