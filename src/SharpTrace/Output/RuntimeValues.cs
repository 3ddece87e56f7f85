using System.Globalization;

namespace SharpTrace.Output;

/// <summary>A value a running program produced: a map key or value, a printf argument, a print() argument.</summary>
/// <remarks>The runtime fills these from kernel bytes; the writers turn them into bpftrace's text and JSON.</remarks>
public abstract record RuntimeValue;

/// <summary>An integer; an unsigned one prints as a 64-bit unsigned number.</summary>
public sealed record IntegerValue(long Value, bool IsSigned = true) : RuntimeValue
{
    /// <summary>The number as bpftrace prints it.</summary>
    public override string ToString() => IsSigned
        ? Value.ToString(CultureInfo.InvariantCulture)
        : ((ulong)Value).ToString(CultureInfo.InvariantCulture);
}

/// <summary>A <c>bool</c>: <c>true</c> or <c>false</c> in text, a JSON boolean in JSON.</summary>
public sealed record BooleanValue(bool Value) : RuntimeValue
{
    /// <summary><c>true</c> or <c>false</c>, as bpftrace prints a bool.</summary>
    public override string ToString() => Value ? "true" : "false";
}

/// <summary>A string (already cut at its terminating NUL by the runtime).</summary>
public sealed record StringValue(string Value) : RuntimeValue
{
    /// <summary>The string itself.</summary>
    public override string ToString() => Value;
}

/// <summary>
/// The bytes of <c>buf(p, n)</c>. Printed as bpftrace prints buffers: printable ASCII as it is, every other byte as
/// <c>\xNN</c> (<see cref="ToString"/>, printf's <c>%r</c>, maps); <c>%rx</c> escapes every byte, <c>%rh</c> writes
/// space-separated hex.
/// </summary>
public sealed record BufferValue(IReadOnlyList<byte> Bytes) : RuntimeValue
{
    /// <summary>The bytes as bpftrace prints a buffer: printable ASCII as it is, other bytes as <c>\xNN</c>.</summary>
    public override string ToString() => Format(keepPrintable: true, escape: true, separator: "");

    /// <summary>Every byte as <c>\xNN</c> (printf's <c>%rx</c>).</summary>
    public string ToEscapedHex() => Format(keepPrintable: false, escape: true, separator: "");

    /// <summary>Every byte as two hex digits, separated by spaces (printf's <c>%rh</c>).</summary>
    public string ToSpacedHex() => Format(keepPrintable: false, escape: false, separator: " ");

    private string Format(bool keepPrintable, bool escape, string separator)
    {
        var text = new System.Text.StringBuilder(Bytes.Count * 4);
        for (var i = 0; i < Bytes.Count; i++)
        {
            if (i > 0)
                text.Append(separator);
            var b = Bytes[i];
            if (keepPrintable && b is >= 32 and <= 126)
                text.Append((char)b);
            else
                text.Append(escape ? "\\x" : "").Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(BufferValue? other) => other is not null && Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc/>
    public override int GetHashCode() => Sequence.Hash(Bytes);
}

/// <summary>A tuple such as <c>(1, "b")</c>.</summary>
public sealed record TupleValue(IReadOnlyList<RuntimeValue> Elements) : RuntimeValue
{
    /// <summary>A tuple of the given elements.</summary>
    public TupleValue(params RuntimeValue[] elements) : this((IReadOnlyList<RuntimeValue>)elements) { }

    /// <summary>The elements in parentheses, as bpftrace prints a tuple: <c>(1, abc)</c>.</summary>
    public override string ToString() => $"({string.Join(", ", Elements)})";

    /// <inheritdoc/>
    public bool Equals(TupleValue? other) => other is not null && Elements.SequenceEqual(other.Elements);

    /// <inheritdoc/>
    public override int GetHashCode() => Sequence.Hash(Elements);
}

/// <summary>The value of <c>count()</c>.</summary>
public sealed record CountValue(ulong Value) : RuntimeValue
{
    /// <summary>The number, as bpftrace prints it.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The value of <c>sum(x)</c>.</summary>
public sealed record SumValue(long Value) : RuntimeValue
{
    /// <summary>The number, as bpftrace prints it.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The value of <c>min(x)</c>.</summary>
public sealed record MinValue(long Value) : RuntimeValue
{
    /// <summary>The number, as bpftrace prints it.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The value of <c>max(x)</c>.</summary>
public sealed record MaxValue(long Value) : RuntimeValue
{
    /// <summary>The number, as bpftrace prints it.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The value of <c>avg(x)</c>: prints <c>Total / Count</c> with integer division, as bpftrace does.</summary>
public sealed record AvgValue(long Total, ulong Count) : RuntimeValue
{
    /// <summary>The printed average; zero when nothing was counted (a zeroed map).</summary>
    public long Average => Count == 0 ? 0 : Total / (long)Count;

    /// <summary>The average, as bpftrace prints it.</summary>
    public override string ToString() => Average.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The value of <c>stats(x)</c>: count, average and total.</summary>
public sealed record StatsValue(ulong Count, long Total) : RuntimeValue
{
    /// <summary>The printed average; zero when nothing was counted (a zeroed map).</summary>
    public long Average => Count == 0 ? 0 : Total / (long)Count;

    /// <summary>As bpftrace prints stats: <c>count 3, average 5, total 15</c>.</summary>
    public override string ToString() => FormattableString.Invariant($"count {Count}, average {Average}, total {Total}");
}

/// <summary>
/// The value of <c>hist(x)</c>: counts per power-of-two bucket, indexed as <see cref="Histogram.Log2Bucket(long)"/> says
/// (0 for negative values, 1 for zero, then one bucket per power of two, or 2^<paramref name="Bits"/> of them for
/// <c>hist(x, bits)</c>). Missing trailing buckets count as zero.
/// </summary>
public sealed record HistValue(IReadOnlyList<ulong> Buckets, int Bits = 0) : RuntimeValue
{
    /// <summary>The histogram of the given values, as <c>hist()</c> would have counted them.</summary>
    public static HistValue Of(params long[] values)
    {
        var buckets = new ulong[Histogram.Log2BucketCount];
        foreach (var value in values)
            buckets[Histogram.Log2Bucket(value)]++;
        return new HistValue(buckets);
    }

    /// <summary>The sum of all buckets: what keyed histograms are sorted by.</summary>
    public ulong TotalCount => Sequence.Sum(Buckets);

    /// <summary>The bucket counts and their total: <c>hist [0, 1, 3] (4 values)</c>.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"hist{(Bits == 0 ? "" : $"(bits {Bits})")} [{string.Join(", ", Buckets)}] ({TotalCount} values)");

    /// <inheritdoc/>
    public bool Equals(HistValue? other) => other is not null && Bits == other.Bits && Sequence.BucketsEqual(Buckets, other.Buckets);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Bits, Sequence.BucketHash(Buckets));
}

/// <summary>
/// The value of <c>lhist(x, min, max, step)</c>: bucket 0 counts values below <c>Min</c>, buckets 1..N the
/// <c>Step</c>-wide ranges from <c>Min</c>, and bucket N+1 values at or above <c>Max</c>, with N = (Max - Min) / Step.
/// </summary>
public sealed record LinearHistValue(long Min, long Max, long Step, IReadOnlyList<ulong> Buckets) : RuntimeValue
{
    /// <summary>The linear histogram of the given values, as <c>lhist()</c> would have counted them.</summary>
    public static LinearHistValue Of(long min, long max, long step, params long[] values)
    {
        var buckets = new ulong[Histogram.LinearBucketCount(min, max, step)];
        foreach (var value in values)
            buckets[Histogram.LinearBucket(value, min, max, step)]++;
        return new LinearHistValue(min, max, step, buckets);
    }

    /// <summary>The sum of all buckets: what keyed histograms are sorted by.</summary>
    public ulong TotalCount => Sequence.Sum(Buckets);

    /// <summary>The range, the bucket counts and their total: <c>lhist(0, 100, 10) [0, 2, 1] (3 values)</c>.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"lhist({Min}, {Max}, {Step}) [{string.Join(", ", Buckets)}] ({TotalCount} values)");

    /// <inheritdoc/>
    public bool Equals(LinearHistValue? other) =>
        other is not null && Min == other.Min && Max == other.Max && Step == other.Step
        && Sequence.BucketsEqual(Buckets, other.Buckets);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Min, Max, Step, Sequence.BucketHash(Buckets));
}

/// <summary>Value equality for the lists inside records (records compare lists by reference).</summary>
internal static class Sequence
{
    public static int Hash<T>(IEnumerable<T> items)
    {
        var hash = new HashCode();
        foreach (var item in items)
            hash.Add(item);
        return hash.ToHashCode();
    }

    public static ulong Sum(IReadOnlyList<ulong> buckets)
    {
        ulong sum = 0;
        foreach (var count in buckets)
            sum += count;
        return sum;
    }

    // Trailing zero buckets do not change a histogram, so they do not change equality either.
    public static bool BucketsEqual(IReadOnlyList<ulong> a, IReadOnlyList<ulong> b)
    {
        var n = Math.Max(a.Count, b.Count);
        for (var i = 0; i < n; i++)
        {
            if (At(a, i) != At(b, i))
                return false;
        }
        return true;
    }

    public static int BucketHash(IReadOnlyList<ulong> buckets)
    {
        var last = buckets.Count - 1;
        while (last >= 0 && buckets[last] == 0)
            last--;
        var hash = new HashCode();
        for (var i = 0; i <= last; i++)
            hash.Add(buckets[i]);
        return hash.ToHashCode();
    }

    public static ulong At(IReadOnlyList<ulong> buckets, int index) => index < buckets.Count ? buckets[index] : 0;
}
