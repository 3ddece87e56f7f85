using SharpTrace.Lowering;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Lowering;

/// <summary>
/// interval probes run on every CPU's timer and keep the first run of each period: each attach point gets its own
/// program (the period is the program's), whose IR starts with the claim of its period.
/// </summary>
public class IntervalPeriodTests
{
    [Fact]
    public void EachIntervalAttachPointHasItsOwnProgramAndPeriod()
    {
        var (program, diagnostics) = SemanticKit.Bind("interval:ms:10, interval:s:3, i:hz:4 { @n = count(); } profile:hz:99 { @p = count(); }");

        Assert.Empty(diagnostics);
        Assert.Equal(["interval:ms:10", "interval:s:3", "interval:hz:4", "profile:hz:99"], program!.Probes.Select(p => p.Name));
        Assert.Equal([10_000_000L, 3_000_000_000L, 250_000_000L, null], program.Probes.Select(ProgramMaps.PeriodOf));
        var maps = new ProgramMaps(program);
        Assert.Equal([0, 16, 32, null], program.Probes.Select(maps.PeriodStateOffset));
    }
}
