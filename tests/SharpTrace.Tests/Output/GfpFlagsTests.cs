using SharpTrace.Output;
using static SharpTrace.Tests.Output.OutputTestKit;

namespace SharpTrace.Tests.Output;

/// <summary>
/// <c>%gr</c>, GFP flags by name: the values and names are the newest bpftrace's tests/utils.cpp (gfp_flags_format)
/// and tests/runtime/call (printf_gr); bpftrace 0.17 has no <c>%gr</c>.
/// </summary>
public class GfpFlagsTests
{
    [Theory]
    [InlineData(0x0UL, "0")]
    [InlineData(0x02UL, "__GFP_HIGHMEM")]
    [InlineData(0x40UL, "__GFP_IO")]
    [InlineData(0x80UL, "__GFP_FS")]
    [InlineData(0xC0UL, "__GFP_IO|__GFP_FS")]
    [InlineData(0x820UL, "GFP_ATOMIC")]
    [InlineData(0x2800UL, "GFP_NOWAIT")]
    [InlineData(0x21C24CAUL, "GFP_TRANSHUGE")]
    [InlineData(0x21C20CAUL, "GFP_TRANSHUGE_LIGHT")]
    [InlineData(0x2100CCAUL, "GFP_HIGHUSER_MOVABLE")]
    [InlineData(0x100CC2UL, "GFP_HIGHUSER")]
    [InlineData(0x100CC0UL, "GFP_USER")]
    [InlineData(0x400CC0UL, "GFP_KERNEL_ACCOUNT")]
    [InlineData(0xCC0UL, "GFP_KERNEL")]
    [InlineData(0xC40UL, "GFP_NOFS")]
    [InlineData(0xC00UL, "GFP_NOIO")]
    [InlineData(0x01UL, "GFP_DMA")]
    [InlineData(0x04UL, "GFP_DMA32")]
    [InlineData(0xCE0UL, "GFP_KERNEL|__GFP_HIGH")]
    [InlineData(0x41UL, "GFP_DMA|__GFP_IO")]
    // GFP_NOIO comes before GFP_NOWAIT in the kernel's order, so 0x2c00 is not GFP_NOWAIT|__GFP_DIRECT_RECLAIM.
    [InlineData(0x2C00UL, "GFP_NOIO|__GFP_NOWARN")]
    [InlineData(0x80000000UL, "0x80000000")]
    [InlineData(0x80000001UL, "GFP_DMA|0x80000000")]
    public void NamesTheFlagsAsTheNewestBpftrace(ulong flags, string expected) => Assert.Equal(expected, GfpFlags.Format(flags));

    [Fact]
    public void PrintfGrPrintsTheNames()
    {
        Assert.Equal("GFPFlags: GFP_DMA\n", PrintfFormatter.Format("GFPFlags: %gr\n", [I(1)]));
        // The newest bpftrace sets the width on the text (std::setw), left-aligned with '-'.
        Assert.Equal("[  GFP_KERNEL|GFP_ATOMIC  ]", PrintfFormatter.Format("[%12gr|%-12gr]", [I(0xCC0), I(0x820)]));
        Assert.Equal("%g 1", PrintfFormatter.Format("%g %d", [I(1)]));
    }

    [Fact]
    public void GrIsAnIntegerConversion()
    {
        Assert.Null(SharpTrace.Semantics.PrintfChecker.Check(PrintfFormat.Parse("%gr"), ["integer"]));
        Assert.Equal("printf: %gr specifier expects a value of type integer (string supplied)",
            SharpTrace.Semantics.PrintfChecker.Check(PrintfFormat.Parse("%gr"), ["string"]));
    }
}
