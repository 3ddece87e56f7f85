using System.Globalization;
using System.Numerics;

namespace SharpTrace.Output;

/// <summary>
/// Bucket math shared by the code generator, the runtime and the printers of <c>hist()</c> and <c>lhist()</c>,
/// so that all of them put a value in the same bucket and label it the same way.
/// </summary>
internal static class Histogram
{
    /// <summary>Buckets of a <c>hist()</c>: negative, zero, then 2^0 .. 2^62 (the last holds 2^62 .. 2^63-1).</summary>
    public const int Log2BucketCount = 65;

    /// <summary>The largest bits argument <c>hist(x, bits)</c> accepts.</summary>
    public const int MaxLog2Bits = 5;

    /// <summary>Buckets of <c>hist(x, bits)</c>: the negative bucket, then up to index (64 - bits) * 2^bits.</summary>
    public static int Log2BucketCountFor(int bits) => ((64 - bits) << bits) + 1;

    /// <summary>
    /// The <c>hist()</c> bucket of a value: 0 for negative values, 1 for zero, 2 for one, then
    /// <c>2 + floor(log2(value))</c>, so bucket i (i &gt;= 2) holds [2^(i-2), 2^(i-1)).
    /// </summary>
    /// <remarks>
    /// bpftrace 0.17 only looks at 32 bits and puts every value of 2^32 or more in the [2G, 4G) bucket;
    /// we use all 64 bits, as later bpftrace versions do.
    /// </remarks>
    public static int Log2Bucket(long value) => Log2Bucket(value, 0);

    /// <summary>
    /// The <c>hist(x, bits)</c> bucket of a value, as later bpftrace versions compute it: 0 for negative values,
    /// value + 1 up to 2^bits - 1, then each power of two split into 2^bits equal buckets.
    /// </summary>
    public static int Log2Bucket(long value, int bits)
    {
        if (value < 0)
            return 0;
        var mask = (1L << bits) - 1;
        if (value <= mask)
            return (int)value + 1;
        var shift = BitOperations.Log2((ulong)value) - bits;
        var within = (value >> shift) & mask;
        return (int)(((shift + 1) << bits) + within + 1);
    }

    /// <summary>The smallest value in a <c>hist()</c> bucket; null for the negative bucket, which has no lower end.</summary>
    public static long? Log2BucketMin(int index, int bits = 0) => index switch
    {
        0 => null,
        1 => 0,
        _ => (long)Log2UpperBound(index - 1, bits),
    };

    /// <summary>The largest value in a <c>hist()</c> bucket.</summary>
    public static long Log2BucketMax(int index, int bits = 0) => index == 0 ? -1 : (long)(Log2UpperBound(index, bits) - 1);

    // The first value above bucket `index` (index >= 1): index itself while buckets hold one value each, then
    // 2^power * (2^bits + the bucket's position within its power of two).
    private static ulong Log2UpperBound(int index, int bits)
    {
        if (index <= 2 << bits)
            return (ulong)index;
        var n = 1 << bits;
        var power = (index >> bits) - 1;
        return (1UL << power) * (ulong)(n + (index & (n - 1)));
    }

    // Log2UpperBound as text: a multiple of 2^(10 d) prints with the suffix K, M, G ... chosen by the power alone.
    private static string Log2BoundLabel(int index, int bits)
    {
        if (index <= 2 << bits)
            return index.ToString(CultureInfo.InvariantCulture);
        const string suffixes = "KMGTPE";
        var n = 1 << bits;
        var power = (index >> bits) - 1;
        var scale = Math.Min(power / 10, suffixes.Length);
        var number = ((1UL << (power - scale * 10)) * (ulong)(n + (index & (n - 1)))).ToString(CultureInfo.InvariantCulture);
        return scale == 0 ? number : number + suffixes[scale - 1];
    }

    /// <summary>The number of buckets of <c>lhist(x, min, max, step)</c>, the under- and overflow buckets included.</summary>
    public static int LinearBucketCount(long min, long max, long step) => checked((int)((max - min) / step + 2));

    /// <summary>
    /// The <c>lhist()</c> bucket of a value, computed as bpftrace does: 0 below <paramref name="min"/>,
    /// <c>1 + (value - min) / step</c> up to <paramref name="max"/>, and the overflow bucket above it.
    /// </summary>
    public static int LinearBucket(long value, long min, long max, long step)
    {
        if (value < min)
            return 0;
        if (value > max)
            return (int)(1 + (max - min) / step);
        return (int)(1 + (value - min) / step);
    }

    /// <summary>The text label of a <c>hist()</c> bucket: <c>(..., 0)</c>, <c>[0]</c>, <c>[1]</c>, <c>[4, 8)</c>, <c>[1K, 2K)</c>.</summary>
    public static string Log2Label(int index) => Log2Label(index, 0);

    /// <summary>The text label of a <c>hist(x, bits)</c> bucket; buckets of one value print as <c>[v]</c>.</summary>
    public static string Log2Label(int index, int bits)
    {
        if (index == 0)
            return "(..., 0)";
        if (index == 1)
            return "[0]";
        if (Log2UpperBound(index, bits) - Log2UpperBound(index - 1, bits) == 1)
            return "[" + Log2BoundLabel(index - 1, bits) + "]";
        return "[" + Log2BoundLabel(index - 1, bits) + ", " + Log2BoundLabel(index, bits) + ")";
    }

    /// <summary>
    /// The text label of an <c>lhist()</c> bucket, as the newest bpftrace labels it: <c>(..., min)</c>, <c>[a, b)</c>
    /// (<c>[a]</c> when the step is 1), and the overflow bucket from where the last bucket in range would end
    /// (<c>[9, ...)</c> for <c>lhist(x, 0, 10, 3)</c>, whose bucket [9, 12) holds every value above 8).
    /// </summary>
    public static string LinearLabel(int index, long min, long max, long step)
    {
        var last = LinearBucketCount(min, max, step) - 1;
        if (index == 0)
            return "(..., " + LinearNumberLabel(min, step) + ")";
        var lower = (index - 1) * step + min;
        if (index == last)
            return "[" + LinearNumberLabel(lower, step) + ", ...)";
        if (step == 1)
            return "[" + LinearNumberLabel(lower, step) + "]";
        return "[" + LinearNumberLabel(lower, step) + ", " + LinearNumberLabel(index * step + min, step) + ")";
    }

    /// <summary>The range of an <c>lhist()</c> bucket as JSON prints it; null where the bucket is open.</summary>
    public static (long? Min, long? Max) LinearBucketRange(int index, long min, long max, long step)
    {
        var last = LinearBucketCount(min, max, step) - 1;
        if (index == 0)
            return (null, min - 1);
        if (index == last)
            return ((last - 1) * step + min, null);
        return ((index - 1) * step + min, index * step + min - 1);
    }

    // A bucket bound of an lhist(): with the suffix K or M only when the step is a multiple of 1024 (so that every
    // bound of the histogram can take one; 0.17 gives one to any multiple of 1024).
    private static string LinearNumberLabel(long number, long step)
    {
        const long kilo = 1024, mega = 1024 * 1024;
        if (step % kilo != 0 || number == 0)
            return number.ToString(CultureInfo.InvariantCulture);
        if (number % mega == 0)
            return (number / mega).ToString(CultureInfo.InvariantCulture) + "M";
        if (number % kilo == 0)
            return (number / kilo).ToString(CultureInfo.InvariantCulture) + "K";
        return number.ToString(CultureInfo.InvariantCulture);
    }
}
