using System.Buffers.Binary;
using SharpTrace.Builtins.Aggregations;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// tseries(): the binder's rules in the newest bpftrace's words (its tests/pre_type_check.cpp), the reading of a
/// map's slots (its util/tseries.cpp and types_format.cpp), and the text and JSON it prints, checked against the
/// outputs of the reference's own tests (tests/bpftrace.cpp print_tseries_map, tests/runtime/outputs/tseries*).
/// </summary>
public class TseriesTests
{
    [Theory]
    [InlineData("BEGIN { @ = ⟦tseries(5, 10000000000)⟧; }", "tseries() requires at least 3 arguments (2 provided)")]
    [InlineData("BEGIN { @ = ⟦tseries(5)⟧; }", "tseries() requires at least 3 arguments (1 provided)")]
    [InlineData("BEGIN { @ = ⟦tseries(5, 10000000000, 1, 10, 10)⟧; }", "tseries() takes up to 4 arguments (5 provided)")]
    [InlineData("BEGIN { @ = ⟦tseries(1, 10000000000, 5, \"stats\")⟧; }", "tseries() expects one of the following aggregation functions: avg, max, min, sum (\"stats\" provided)")]
    [InlineData("BEGIN { @ = ⟦tseries(1, 0, 10)⟧; }", "tseries() interval_ns must be >= 1 (0 provided)")]
    [InlineData("BEGIN { @ = ⟦tseries(1, -1, 10)⟧; }", "tseries: invalid interval_ns value (must be non-negative literal)")]
    [InlineData("BEGIN { @ = ⟦tseries(1, 10000000000, 0)⟧; }", "tseries() num_intervals must be >= 1 (0 provided)")]
    [InlineData("BEGIN { @ = ⟦tseries(1, 10000000000, -1)⟧; }", "tseries: invalid num_intervals value (must be non-negative literal)")]
    [InlineData("BEGIN { @ = ⟦tseries(1, 10000000000, 1000001)⟧; }", "tseries() num_intervals must be < 1000000 (1000001 provided)")]
    [InlineData("BEGIN { @ = ⟦tseries(\"a\", 1s, 5)⟧; }", "tseries() only supports int arguments (string provided)")]
    [InlineData("BEGIN { @ = tseries(1, 1s, 5); @ = ⟦tseries(1, 1s, 6)⟧; }", "Different tseries bounds in a single map unsupported")]
    [InlineData("BEGIN { @ = tseries(1, 1s, 5); @ = ⟦count()⟧; }", "Type mismatch for @: trying to assign value of type 'count_t' when map already has a type 'tseries_t'")]
    public void ReportsAsTheReferenceDoes(string annotated, string message) => AggregationBinderTests.AssertBindError(annotated, message);

    // The newest bpftrace's unstable-feature rule (its unstable_feature.cpp): warn once by default, an error at the call
    // with unstable_tseries = error, nothing with enable.
    private const string UnstableWarning =
        "Script is using an unstable feature: tseries. To prevent this warning you must explicitly enable it in the config e.g. unstable_tseries=enable";

    [Theory]
    [InlineData("", new[] { UnstableWarning })]
    [InlineData("config = { unstable_tseries = warn } ", new[] { UnstableWarning })]
    [InlineData("config = { unstable_tseries = enable } ", new string[0])]
    [InlineData("config = { unstable_tseries = 1 } ", new string[0])]
    public void WarnsOnceThatItIsUnstableUnlessEnabled(string config, string[] warnings)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog,
            SyntaxTree.Parse(config + "BEGIN { @a = tseries(1, 1s, 5); @b = tseries(2, 1s, 5); }"), new NoTracepoints());
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Equal(warnings, diagnostics.Where(d => !d.IsError).Select(d => d.Message));
    }

    [Fact]
    public void IsAnErrorWhenTheConfigSaysSo() =>
        AggregationBinderTests.AssertBindError("config = { unstable_tseries = error } BEGIN { @ = ⟦tseries(1, 1s, 5)⟧; }",
            "tseries feature is not enabled by default. To enable this unstable feature, set the config flag to enable. unstable_tseries=enable");

    [Fact]
    public void KeepsItsConstantArgumentsAndAKeyForTheInterval()
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog,
            SyntaxTree.Parse("BEGIN { @a[1] = tseries(-1, 100ms, 20, \"max\"); @b = tseries((uint32)1, 1s, 5); }"), new NoTracepoints());
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        var a = program!.Maps.Single(m => m.Name == "@a");
        Assert.Equal(new AggregationType(AggregationKind.Tseries) { Interval = 100_000_000, Intervals = 20, Reduction = "max", IsSigned = true }, a.ValueType);
        Assert.Equal(16, a.StoredKeySize);
        Assert.Equal(24, a.ValueType!.Size);
        Assert.False(((AggregationType)program.Maps.Single(m => m.Name == "@b").ValueType!).IsSigned);
    }

    [Fact]
    public void PrintsTheReferencesKeyedMapExample()
    {
        // print_tseries_map: two keys, 1 ms intervals, 5 of them; key 1 reaches one interval further than key 0,
        // so key 0's last interval has no value and key 1 starts an interval later.
        const ulong baseNs = 173482610888837;
        const ulong firstEpoch = baseNs / 1_000_000;
        var type = new AggregationType(AggregationKind.Tseries) { Interval = 1_000_000, Intervals = 5, IsSigned = true };
        var entries = new List<(byte[], byte[])>();
        for (ulong i = 1; i <= 5; i++)
        {
            entries.Add(Entry(0, firstEpoch + i, (long)i, 2));
            entries.Add(Entry(1, firstEpoch + i + 1, (long)i, 2));
        }
        var series = Tseries.Read(type, 8, 24, entries).ToDictionary(e => BinaryPrimitives.ReadInt64LittleEndian(e.Key), e => e.Value);
        var hour = LocalHourOf(firstEpoch * 1_000_000);
        var minute = LocalMinuteOf(firstEpoch * 1_000_000);
        var prefix = $"{hour:D2}:{minute:D2}";
        Assert.Equal($"""
                         2                                                   5
            hh:mm:ss.ms  |___________________________________________________|
            {prefix}:22.612 *                                                   | 2
            {prefix}:22.613 |                *                                  | 3
            {prefix}:22.614 |                                 *                 | 4
            {prefix}:22.615 |                                                   * 5
            {prefix}:22.616 |                                                   | -
                         v___________________________________________________v
                         2                                                   5

            """, TimeSeriesFormat.Text(series[0]));
        Assert.Equal($"""
                         1                                                   5
            hh:mm:ss.ms  |___________________________________________________|
            {prefix}:22.612 *                                                   | 1
            {prefix}:22.613 |            *                                      | 2
            {prefix}:22.614 |                         *                         | 3
            {prefix}:22.615 |                                      *            | 4
            {prefix}:22.616 |                                                   * 5
                         v___________________________________________________v
                         1                                                   5

            """, TimeSeriesFormat.Text(series[1]));
    }

    [Fact]
    public void PrintsTheZeroLineOfTheReferencesZigzag()
    {
        // tests/runtime/outputs/tseries_zigzag.txt: -5..5 and back, 100 ms intervals from 0.1 s after the epoch.
        var values = new long[] { -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4 };
        var series = new TimeSeriesValue(values.Select((v, i) => new TimeSeriesPoint((ulong)(i + 1) * 100_000_000, new IntegerValue(v))).ToList());
        var lines = TimeSeriesFormat.Text(series).Split('\n');
        var hour = LocalHourOf(0);
        Assert.Equal("             -5                                                  5", lines[0]);
        Assert.Equal($"{hour:D2}:00:00.100 *                         .                         | -5", lines[2]);
        Assert.Equal($"{hour:D2}:00:00.600 |                         *                         | 0", lines[7]);
        Assert.Equal($"{hour:D2}:00:01.100 |                         .                         * 5", lines[12]);
        Assert.Equal($"{hour:D2}:00:02.000 |    *                    .                         | -4", lines[21]);
        Assert.Equal("             v___________________________________________________v", lines[22]);
    }

    [Fact]
    public void ReducesEachSlotsCpusToTheNewestEpoch()
    {
        var type = new AggregationType(AggregationKind.Tseries) { Interval = 100, Intervals = 3, Reduction = "avg", IsSigned = true };
        // One slot, three CPUs: two hold epoch 7 (total 10 of 2 values, total 20 of 3), one an older epoch 4.
        var value = new byte[72];
        Write(value, 0, 10, 2, 7);
        Write(value, 24, 99, 1, 4);
        Write(value, 48, 20, 3, 7);
        var (_, series) = Tseries.Read(type, 8, 24, [(new byte[16], value)]).Single();
        Assert.Equal([new TimeSeriesPoint(700, new IntegerValue(6))], series.Points);
    }

    [Fact]
    public void JsonListsTheIntervalsWithValuesInUtc()
    {
        // tests/runtime/outputs/tseries.json (pretty-printed there): interval starts as the C++ library prints a
        // system-clock time.
        var series = new TimeSeriesValue([
            new TimeSeriesPoint(500_000_000, new IntegerValue(9)),
            new TimeSeriesPoint(600_000_000, null),
            new TimeSeriesPoint(700_000_000, new IntegerValue(-9)),
        ]);
        Assert.Equal("""[{"interval_start":"1970-01-01 00:00:00.500000000","value":9},{"interval_start":"1970-01-01 00:00:00.700000000","value":-9}]""",
            TimeSeriesFormat.Json(series));
        var map = new MapSnapshot("@a", true, [new MapEntry([], series)]);
        Assert.StartsWith("""{"type": "tseries", "data": {"@a": [{"interval_start":""", JsonOutputWriter.FormatMap(map));
        Assert.StartsWith("@a:\n             -9 ", TextOutputWriter.FormatMap(map));
    }

    [Fact]
    public void AZeroedSeriesHasNoData()
    {
        // tests/runtime/outputs/tseries_zero.json: zero() leaves the key with no interval.
        var type = new AggregationType(AggregationKind.Tseries) { Interval = 100, Intervals = 3 };
        var (_, series) = Tseries.Read(type, 8, 24, [(new byte[16], new byte[48])]).Single();
        Assert.Empty(series.Points);
        Assert.Equal("[]", TimeSeriesFormat.Json(series));
        Assert.Equal("<no data>", TimeSeriesFormat.Text(series));
    }

    private sealed class NoTracepoints : ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() => [];
        public TracepointFormat? Format(string category, string name) => null;
    }

    private static (byte[], byte[]) Entry(long key, ulong epoch, long value, int cpus)
    {
        var k = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(k, key);
        BinaryPrimitives.WriteUInt64LittleEndian(k.AsSpan(8), epoch % 5);
        var v = new byte[24 * cpus];
        Write(v, 0, value, 1, epoch);
        return (k, v);
    }

    private static void Write(byte[] value, int offset, long v, long meta, ulong epoch)
    {
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(offset), v);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(offset + 8), meta);
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(offset + 16), epoch);
    }

    private static int LocalHourOf(ulong ns) => LocalTime.FromUtc(DateTime.UnixEpoch.AddSeconds(ns / 1_000_000_000)).DateTime.Hour;

    private static int LocalMinuteOf(ulong ns) => LocalTime.FromUtc(DateTime.UnixEpoch.AddSeconds(ns / 1_000_000_000)).DateTime.Minute;
}
