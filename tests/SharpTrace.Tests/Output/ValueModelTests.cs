using SharpTrace.Output;
using static SharpTrace.Tests.Output.OutputTestKit;

namespace SharpTrace.Tests.Output;

/// <summary>Bucket math, per-CPU combining and value equality, which the runtime and code generator rely on.</summary>
public class ValueModelTests
{
    [Theory]
    [InlineData(long.MinValue, 0)]
    [InlineData(-1, 0)]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(1023, 11)]
    [InlineData(1024, 12)]
    [InlineData(2147483647, 32)]
    [InlineData(2147483648, 33)]
    [InlineData(4294967296, 34)]
    [InlineData(long.MaxValue, 64)]
    public void Log2BucketOfAValue(long value, int bucket) => Assert.Equal(bucket, Histogram.Log2Bucket(value));

    [Fact]
    public void Log2BucketRangesHoldTheirEnds()
    {
        for (var i = 1; i < Histogram.Log2BucketCount; i++)
        {
            Assert.Equal(i, Histogram.Log2Bucket(Histogram.Log2BucketMin(i)!.Value));
            Assert.Equal(i, Histogram.Log2Bucket(Histogram.Log2BucketMax(i)));
        }
        Assert.Null(Histogram.Log2BucketMin(0));
        Assert.Equal(-1, Histogram.Log2BucketMax(0));
    }

    [Theory]
    [InlineData(-5, 0)]
    [InlineData(0, 1)]
    [InlineData(9, 1)]
    [InlineData(10, 2)]
    [InlineData(99, 10)]
    [InlineData(100, 11)]
    [InlineData(1000, 11)]
    public void LinearBucketOfAValue(long value, int bucket) => Assert.Equal(bucket, Histogram.LinearBucket(value, 0, 100, 10));

    [Fact]
    public void LinearBucketsIncludeUnderAndOverflow()
    {
        Assert.Equal(12, Histogram.LinearBucketCount(0, 100, 10));
        Assert.Equal((null, -1L), Histogram.LinearBucketRange(0, 0, 100, 10));
        Assert.Equal((90L, 99L), Histogram.LinearBucketRange(10, 0, 100, 10));
        Assert.Equal((100L, null), Histogram.LinearBucketRange(11, 0, 100, 10));
        Assert.Equal("[-1K, 0)", Histogram.LinearLabel(1, -1024, 1024, 1024));
    }

    [Fact]
    public void PerCpuValuesCombine()
    {
        Assert.Equal(new CountValue(5), Aggregation.Combine([new CountValue(2), new CountValue(3)]));
        Assert.Equal(new SumValue(-1), Aggregation.Combine([new SumValue(2), new SumValue(-3)]));
        Assert.Equal(new MinValue(-3), Aggregation.Combine([new MinValue(2), new MinValue(-3), new MinValue(7)]));
        Assert.Equal(new MaxValue(7), Aggregation.Combine([new MaxValue(2), new MaxValue(-3), new MaxValue(7)]));
        Assert.Equal(new AvgValue(30, 4), Aggregation.Combine([new AvgValue(10, 1), new AvgValue(20, 3)]));
        Assert.Equal(new StatsValue(4, 30), Aggregation.Combine([new StatsValue(1, 10), new StatsValue(3, 20)]));
        Assert.Equal(HistValue.Of(1, 1, 5, 100), Aggregation.Combine([HistValue.Of(1, 5), HistValue.Of(1, 100)]));
        Assert.Equal(LinearHistValue.Of(0, 10, 1, 3, 3, 20),
            Aggregation.Combine([LinearHistValue.Of(0, 10, 1, 3), LinearHistValue.Of(0, 10, 1, 3, 20)]));
        Assert.Equal(I(7), Aggregation.Combine([I(3), I(4)]));
        Assert.Throws<ArgumentException>(() => Aggregation.Combine(new CountValue(1), new SumValue(1)));
    }

    [Fact]
    public void ValuesCompareByContent()
    {
        Assert.Equal(T(I(1), S("a")), T(I(1), S("a")));
        Assert.NotEqual(T(I(1), S("a")), T(I(1), S("b")));
        Assert.Equal(new HistValue([0, 0, 1]), new HistValue([0, 0, 1, 0, 0]));
        Assert.Equal(new HistValue([0, 0, 1]).GetHashCode(), new HistValue([0, 0, 1, 0, 0]).GetHashCode());
        Assert.Equal(E(I(1), "k", 2), E(I(1), "k", 2));
        Assert.Equal(Keyed("@m", E(I(1), 1)), Keyed("@m", E(I(1), 1)));
    }

    [Fact]
    public void AveragesDivideLikeC()
    {
        Assert.Equal(-2, new AvgValue(-5, 2).Average);
        Assert.Equal(0, new StatsValue(0, 0).Average);
        Assert.Equal("18446744073709551615", U(ulong.MaxValue).ToString());
    }

    [Fact]
    public void TopKeepsTheLargestEntries()
    {
        var map = Keyed("@m", E(I(5), 1), E(I(50), 2), E(I(-5), 3), E(I(500), 4));
        Assert.Equal([E(I(50), 2), E(I(500), 4)], map.EntriesInPrintOrder(top: 2));
        Assert.Equal(4, map.EntriesInPrintOrder(top: 10).Count);
    }

    // BEGIN { unroll(3) { @h = hist(2); } @h = hist(4); unroll(7) { @h = hist(16); } unroll(13) { @h = hist(32); }
    //         unroll(5) { @g = hist(1); } unroll(100) { @g = hist(2); } unroll(99) { @g = hist(8); }
    //         unroll(51) { @g = hist(16); } exit(); }
    // bpftrace scales bars with single-precision floats and truncates (1 of 13 is exactly 4 columns).
    [Fact]
    public void BarsScaleToTheFullestBucketAsBpftraceRoundsThem()
    {
        Assert.Equal(CatA("""
            [2, 4)                 3 |@@@@@@@@@@@@                                        |$
            [4, 8)                 1 |@@@@                                                |$
            [8, 16)                0 |                                                    |$
            [16, 32)               7 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@                        |$
            [32, 64)              13 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            """), TextOutputWriter.FormatValue(new HistValue([0, 0, 0, 3, 1, 0, 7, 13])));
        Assert.Equal(CatA("""
            [1]                    5 |@@                                                  |$
            [2, 4)               100 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            [4, 8)                 0 |                                                    |$
            [8, 16)               99 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ |$
            [16, 32)              51 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
            """), TextOutputWriter.FormatValue(new HistValue([0, 0, 5, 100, 0, 99, 51])));
    }
}
