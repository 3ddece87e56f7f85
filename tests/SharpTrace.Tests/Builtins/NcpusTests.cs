using SharpTrace.Semantics;
using SharpTrace.Tests.Lowering;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>ncpus: a uint64 variable, the number of possible CPUs, lowered to a constant.</summary>
public class NcpusTests
{
    [Fact]
    public void IsAUint64Variable()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @n = ncpus; }");
        Assert.True(program is not null, string.Join('\n', diagnostics));
        Assert.Equal(BpfType.UInt64, program.Maps.Single().ValueType);
    }

    [Fact]
    public void LowersToTheNumberOfPossibleCpus()
    {
        // /sys/devices/system/cpu/possible lists ranges ("0-1", "0-3,6"); ncpus counts the CPUs in them.
        var possible = File.ReadAllText("/sys/devices/system/cpu/possible").Trim().Split(',')
            .Sum(range => range.Split('-') is [var first, var last] ? int.Parse(last) - int.Parse(first) + 1 : 1);

        Assert.Contains($"store.u64 $s0, {possible}\n", LoweringKit.Ir("BEGIN { @n = ncpus; }"));
    }

}
