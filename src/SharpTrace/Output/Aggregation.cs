namespace SharpTrace.Output;

/// <summary>Combines the per-CPU values of an aggregation into the one value that is printed.</summary>
internal static class Aggregation
{
    /// <summary>
    /// Combines two values of the same aggregation: counts, sums, averages, stats and histogram buckets add up,
    /// <c>min</c> keeps the smaller and <c>max</c> the larger. Plain integers add up (bpftrace reduces them the same way).
    /// </summary>
    /// <remarks>
    /// A CPU that never ran the <c>min()</c> or <c>max()</c> holds no value: leave it out rather than pass a zero,
    /// or the zero would win.
    /// </remarks>
    public static RuntimeValue Combine(RuntimeValue a, RuntimeValue b) => (a, b) switch
    {
        (CountValue x, CountValue y) => new CountValue(x.Value + y.Value),
        (SumValue x, SumValue y) => new SumValue(x.Value + y.Value),
        (MinValue x, MinValue y) => new MinValue(Math.Min(x.Value, y.Value)),
        (MaxValue x, MaxValue y) => new MaxValue(Math.Max(x.Value, y.Value)),
        (AvgValue x, AvgValue y) => new AvgValue(x.Total + y.Total, x.Count + y.Count),
        (StatsValue x, StatsValue y) => new StatsValue(x.Count + y.Count, x.Total + y.Total),
        (HistValue x, HistValue y) when x.Bits == y.Bits => x with { Buckets = AddBuckets(x.Buckets, y.Buckets) },
        (LinearHistValue x, LinearHistValue y) when x.Min == y.Min && x.Max == y.Max && x.Step == y.Step
            => x with { Buckets = AddBuckets(x.Buckets, y.Buckets) },
        (IntegerValue x, IntegerValue y) => new IntegerValue(x.Value + y.Value, x.IsSigned),
        _ => throw new ArgumentException($"Cannot combine {a.GetType().Name} with {b.GetType().Name}."),
    };

    /// <summary>Combines the values of every CPU (at least one) into one.</summary>
    public static RuntimeValue Combine(IEnumerable<RuntimeValue> perCpu)
    {
        RuntimeValue? result = null;
        foreach (var value in perCpu)
            result = result is null ? value : Combine(result, value);
        return result ?? throw new ArgumentException("No per-CPU values to combine.", nameof(perCpu));
    }

    private static ulong[] AddBuckets(IReadOnlyList<ulong> a, IReadOnlyList<ulong> b)
    {
        var sum = new ulong[Math.Max(a.Count, b.Count)];
        for (var i = 0; i < sum.Length; i++)
            sum[i] = Sequence.At(a, i) + Sequence.At(b, i);
        return sum;
    }
}
