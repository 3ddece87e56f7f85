using SharpTrace.Runtime;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Output;

/// <summary>Which sum() maps the exposition calls counters: those every sum() into can only make grow.</summary>
public sealed class LiveMapsTests
{
    [Theory]
    [InlineData("@constant", true)]
    [InlineData("@negative", false)]
    [InlineData("@unsigned", true)]
    [InlineData("@signed", false)]
    [InlineData("@nested", true)]
    [InlineData("@mixed", false)]
    [InlineData("@count", false)]
    public void ASumOnlyGrowsWhenEveryArgumentIsUnsignedOrANonNegativeConstant(string map, bool grows)
    {
        var (program, diagnostics) = SemanticKit.Bind("""
            BEGIN {
                @constant = sum(1); @negative = sum(-1); @unsigned = sum((uint32)5); @signed = sum((int32)5);
                @mixed = sum((uint64)1); @count = count();
                if (pid > 0) { @nested = sum((uint64)2); }
            }
            END { @mixed = sum((int64)3); }
            """);
        Assert.Empty(diagnostics);
        Assert.Equal(grows, new LiveMaps(program!).SumOnlyGrows(map));
    }
}
