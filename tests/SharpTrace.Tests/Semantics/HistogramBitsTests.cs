using SharpTrace.Output;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// hist(x, bits) bucket math. bpftrace 0.17 has no bits argument, so the expectations come from the reference
/// (bpftrace's "hist: log2 histograms with finer granularity" change): with bits = 2 the values 0..7 get a bucket
/// each, then every power of two is cut in four: [8, 10), [10, 12) ... [224, 256).
/// </summary>
public class HistogramBitsTests
{
    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(0, 0, 1)]
    [InlineData(1, 0, 2)]
    [InlineData(4, 0, 4)]
    [InlineData(long.MaxValue, 0, 64)]
    [InlineData(-7, 2, 0)]
    [InlineData(0, 2, 1)]
    [InlineData(3, 2, 4)]
    [InlineData(7, 2, 8)]
    [InlineData(8, 2, 9)]
    [InlineData(9, 2, 9)]
    [InlineData(10, 2, 10)]
    [InlineData(255, 2, 28)]
    [InlineData(27 * 8 + 10, 2, 28)] // 226 in [224, 256)
    public void BucketOfValue(long value, int bits, int bucket) => Assert.Equal(bucket, Histogram.Log2Bucket(value, bits));

    [Fact]
    public void TwoBitsLabelsMatchTheReference()
    {
        var labels = Enumerable.Range(1, 32).Select(i => Histogram.Log2Label(i, 2)).ToList();
        Assert.Equal(["[0]", "[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]", "[8, 10)", "[10, 12)", "[12, 14)", "[14, 16)",
            "[16, 20)", "[20, 24)", "[24, 28)", "[28, 32)", "[32, 40)", "[40, 48)", "[48, 56)", "[56, 64)",
            "[64, 80)", "[80, 96)", "[96, 112)", "[112, 128)", "[128, 160)", "[160, 192)", "[192, 224)", "[224, 256)"],
            labels.Take(28));
    }

    [Fact]
    public void ZeroBitsIsThePlainHistogram()
    {
        for (var i = 0; i < Histogram.Log2BucketCount; i++)
        {
            Assert.Equal(Histogram.Log2Label(i), Histogram.Log2Label(i, 0));
            Assert.Equal(Histogram.Log2BucketMax(i), Histogram.Log2BucketMax(i, 0));
        }
        Assert.Equal(Histogram.Log2BucketCount, Histogram.Log2BucketCountFor(0));
        Assert.Equal("[1K, 2K)", Histogram.Log2Label(12, 0));
        Assert.Equal("[4E, 8E)", Histogram.Log2Label(64, 0));
    }

    [Fact]
    public void EveryValueFallsInsideItsBucketsRange()
    {
        long[] values = [0, 1, 2, 3, 5, 8, 100, 1000, 4097, 1L << 40, (1L << 40) + 12345, long.MaxValue];
        for (var bits = 0; bits <= Histogram.MaxLog2Bits; bits++)
        {
            foreach (var value in values)
            {
                var bucket = Histogram.Log2Bucket(value, bits);
                Assert.InRange(bucket, 1, Histogram.Log2BucketCountFor(bits) - 1);
                Assert.InRange(value, Histogram.Log2BucketMin(bucket, bits)!.Value, Histogram.Log2BucketMax(bucket, bits));
            }
        }
    }

    [Fact]
    public void JsonShowsTheRangeOfEachBucket() => Assert.Equal(
        "{\"type\": \"hist\", \"data\": {\"@h\": [{\"min\": 7, \"max\": 7, \"count\": 1}, {\"min\": 8, \"max\": 9, \"count\": 2}]}}\n",
        JsonOutputWriter.FormatMap(MapSnapshot.Scalar("@h", new HistValue(Buckets(2, (8, 1), (9, 2)), 2))));

    private static ulong[] Buckets(int bits, params (int Index, ulong Count)[] counts)
    {
        var buckets = new ulong[Histogram.Log2BucketCountFor(bits)];
        foreach (var (index, count) in counts)
            buckets[index] = count;
        return buckets;
    }
}
