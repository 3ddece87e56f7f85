using Process = System.Diagnostics.Process;
using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;
using SharpTrace.Output;
using static SharpTrace.Tests.Output.OutputTestKit;

namespace SharpTrace.Tests.Output;

/// <summary>
/// The exposition of maps (docs/metrics.md), one test per aggregation kind: the exact text in both formats, and the
/// Prometheus text checked by a real parser, <c>promtool check metrics</c> (the prometheus package; test.sh installs it).
/// </summary>
public sealed class OpenMetricsWriterTests
{
    private static readonly OpenMetricsWriter Writer = new("test.bt", [new("host", "web-1")]);

    private static string Prometheus(params MetricsMap[] maps) => Checked(Writer.Write(maps, MetricsFormat.Prometheus));

    private static string OpenMetrics(params MetricsMap[] maps) => Writer.Write(maps, MetricsFormat.OpenMetrics);

    private static MetricsMap M(MapSnapshot snapshot, bool sumOnlyGrows = false) => new(snapshot, sumOnlyGrows);

    [Fact]
    public void CountIsACounterKeyedByItsKey()
    {
        var map = M(Keyed("@opens", E(new CountValue(3), "bash"), E(new CountValue(12), "cat")));
        Assert.Equal(
            """
            # HELP sharptrace_opens_total count() of map @opens in sharptrace script test.bt
            # TYPE sharptrace_opens_total counter
            sharptrace_opens_total{host="web-1",key="bash"} 3
            sharptrace_opens_total{host="web-1",key="cat"} 12

            """, Prometheus(map));
        Assert.Equal(
            """
            # HELP sharptrace_opens count() of map @opens in sharptrace script test.bt
            # TYPE sharptrace_opens counter
            sharptrace_opens_total{host="web-1",key="bash"} 3
            sharptrace_opens_total{host="web-1",key="cat"} 12
            # EOF

            """, OpenMetrics(map));
    }

    [Fact]
    public void SumIsACounterOnlyWhenItCanOnlyGrow()
    {
        var bytes = M(Scalar("@bytes", new SumValue(4096)), sumOnlyGrows: true);
        var delta = M(Scalar("@delta", new SumValue(-7)));
        Assert.Equal(
            """
            # HELP sharptrace_bytes_total sum() of map @bytes in sharptrace script test.bt
            # TYPE sharptrace_bytes_total counter
            sharptrace_bytes_total{host="web-1"} 4096
            # HELP sharptrace_delta sum() of map @delta in sharptrace script test.bt
            # TYPE sharptrace_delta gauge
            sharptrace_delta{host="web-1"} -7

            """, Prometheus(bytes, delta));
    }

    [Fact]
    public void IntegersMinMaxAndAvgAreGauges()
    {
        var maps = new[]
        {
            M(Keyed("@avg", E(new AvgValue(10, 4), 1L))),
            M(Keyed("@max", E(new MaxValue(99), 1L))),
            M(Keyed("@min", E(new MinValue(-3), 1L))),
            M(Scalar("@x", U(ulong.MaxValue))),
        };
        Assert.Equal(
            """
            # HELP sharptrace_avg avg() of map @avg in sharptrace script test.bt
            # TYPE sharptrace_avg gauge
            sharptrace_avg{host="web-1",key="1"} 2
            # HELP sharptrace_max max() of map @max in sharptrace script test.bt
            # TYPE sharptrace_max gauge
            sharptrace_max{host="web-1",key="1"} 99
            # HELP sharptrace_min min() of map @min in sharptrace script test.bt
            # TYPE sharptrace_min gauge
            sharptrace_min{host="web-1",key="1"} -3
            # HELP sharptrace_x integer value of map @x in sharptrace script test.bt
            # TYPE sharptrace_x gauge
            sharptrace_x{host="web-1"} 18446744073709551615

            """, Prometheus(maps));
    }

    [Fact]
    public void StatsIsASummaryOfCountAndSum()
    {
        var map = M(Keyed("@lat", E(new StatsValue(4, 100), "read"), E(new StatsValue(1, -5), "write")));
        Assert.Equal(
            """
            # HELP sharptrace_lat stats() of map @lat in sharptrace script test.bt
            # TYPE sharptrace_lat summary
            sharptrace_lat_count{host="web-1",key="read"} 4
            sharptrace_lat_sum{host="web-1",key="read"} 100
            sharptrace_lat_count{host="web-1",key="write"} 1
            sharptrace_lat_sum{host="web-1",key="write"} -5

            """, Prometheus(map));
        // OpenMetrics wants a summary's sum to be a counter, so a negative one is left out.
        Assert.Equal(
            """
            # HELP sharptrace_lat stats() of map @lat in sharptrace script test.bt
            # TYPE sharptrace_lat summary
            sharptrace_lat_count{host="web-1",key="read"} 4
            sharptrace_lat_sum{host="web-1",key="read"} 100
            sharptrace_lat_count{host="web-1",key="write"} 1
            # EOF

            """, OpenMetrics(map));
    }

    [Fact]
    public void HistIsAHistogramWithCumulativeBucketsUpToTheLastValue()
    {
        // Values 0, 1, 5, 6, 7: buckets [0], [1], [4, 8). Integer values, so le is the bucket's largest value.
        var map = M(Scalar("@sizes", HistValue.Of(0, 1, 5, 6, 7)));
        Assert.Equal(
            """
            # HELP sharptrace_sizes hist() of map @sizes in sharptrace script test.bt
            # TYPE sharptrace_sizes histogram
            sharptrace_sizes_bucket{host="web-1",le="-1.0"} 0
            sharptrace_sizes_bucket{host="web-1",le="0.0"} 1
            sharptrace_sizes_bucket{host="web-1",le="1.0"} 2
            sharptrace_sizes_bucket{host="web-1",le="3.0"} 2
            sharptrace_sizes_bucket{host="web-1",le="7.0"} 5
            sharptrace_sizes_bucket{host="web-1",le="+Inf"} 5
            sharptrace_sizes_count{host="web-1"} 5

            """, Prometheus(map));
        Assert.EndsWith("sharptrace_sizes_count{host=\"web-1\"} 5\n# EOF\n", OpenMetrics(map), StringComparison.Ordinal);
    }

    [Fact]
    public void HistWithBitsSplitsEachPowerOfTwo()
    {
        var value = new HistValue(new ulong[Histogram.Log2BucketCountFor(1)], Bits: 1);
        var buckets = value.Buckets.ToArray();
        buckets[Histogram.Log2Bucket(6, 1)] = 2; // [6, 8)
        var text = Prometheus(M(Scalar("@split", value with { Buckets = buckets })));
        Assert.Contains("sharptrace_split_bucket{host=\"web-1\",le=\"5.0\"} 0\n", text, StringComparison.Ordinal);
        Assert.EndsWith("le=\"7.0\"} 2\nsharptrace_split_bucket{host=\"web-1\",le=\"+Inf\"} 2\nsharptrace_split_count{host=\"web-1\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LhistIsAHistogramWhoseOverflowBucketIsOnlyInInf()
    {
        var map = M(Keyed("@latency", E(LinearHistValue.Of(0, 30, 10, -1, 5, 15, 15, 99), "x")));
        Assert.Equal(
            """
            # HELP sharptrace_latency lhist() of map @latency in sharptrace script test.bt
            # TYPE sharptrace_latency histogram
            sharptrace_latency_bucket{host="web-1",key="x",le="-1.0"} 1
            sharptrace_latency_bucket{host="web-1",key="x",le="9.0"} 2
            sharptrace_latency_bucket{host="web-1",key="x",le="19.0"} 4
            sharptrace_latency_bucket{host="web-1",key="x",le="+Inf"} 5
            sharptrace_latency_count{host="web-1",key="x"} 5

            """, Prometheus(map));
    }

    [Fact]
    public void StringAndTupleValuesAreInfoStyleGauges()
    {
        var maps = new[]
        {
            M(Keyed("@last", E(S("/etc/passwd"), 42L))),
            M(Scalar("@pair", T(I(1), S("b")))),
        };
        Assert.Equal(
            """
            # HELP sharptrace_last value as the label 'value' of map @last in sharptrace script test.bt
            # TYPE sharptrace_last gauge
            sharptrace_last{host="web-1",key="42",value="/etc/passwd"} 1
            # HELP sharptrace_pair value as the label 'value' of map @pair in sharptrace script test.bt
            # TYPE sharptrace_pair gauge
            sharptrace_pair{host="web-1",value0="1",value1="b"} 1

            """, Prometheus(maps));
    }

    [Fact]
    public void TupleKeysAreNumberedAndLabelValuesAreEscaped()
    {
        var map = M(Keyed("@calls", E(new CountValue(1), "a\"b\\c\nd", 7L)));
        Assert.Equal(
            """
            # HELP sharptrace_calls_total count() of map @calls in sharptrace script test.bt
            # TYPE sharptrace_calls_total counter
            sharptrace_calls_total{host="web-1",key0="a\"b\\c\nd",key1="7"} 1

            """, Prometheus(map));
    }

    [Fact]
    public void StackKeysAreFoldedOutermostFirst()
    {
        var stack = new StackValue([new StackFrame(0x10, "inner+1"), new StackFrame(0x20, "outer+2")]);
        var text = Prometheus(M(Keyed("@", E(new CountValue(2), stack))));
        Assert.Contains("sharptrace_map_total{host=\"web-1\",key=\"outer+2;inner+1\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysThatAreTheSameAsLabelsAreOneSeries()
    {
        // Two stack ids whose stacks could not be walked: both are the empty stack, one series.
        var empty = new StackValue([]);
        var same = new StackValue([new StackFrame(0x10, "main+4")]);
        var map = M(Keyed("@", E(new CountValue(2), empty), E(new CountValue(3), empty), E(new CountValue(1), same), E(new CountValue(4), same)));
        Assert.Equal(
            """
            # HELP sharptrace_map_total count() of map @ in sharptrace script test.bt
            # TYPE sharptrace_map_total counter
            sharptrace_map_total{host="web-1",key=""} 5
            sharptrace_map_total{host="web-1",key="main+4"} 5

            """, Prometheus(map));
        var hist = M(Keyed("@sizes", E(HistValue.Of(1), empty), E(HistValue.Of(1, 2), empty)));
        Assert.Contains("sharptrace_sizes_count{host=\"web-1\",key=\"\"} 3\n", Prometheus(hist), StringComparison.Ordinal);
    }

    [Fact]
    public void MapsWithoutEntriesWriteNothing()
    {
        Assert.Equal("", Writer.Write([M(Empty("@gone")), M(Empty("@x", isScalar: true))], MetricsFormat.Prometheus));
        Assert.Equal("# EOF\n", OpenMetrics(M(Empty("@gone"))));
    }

    [Theory]
    [InlineData("@opens", "sharptrace_opens")]
    [InlineData("@", "sharptrace_map")]
    [InlineData("@_x9", "sharptrace__x9")]
    public void FamilyNames(string map, string family) => Assert.Equal(family, OpenMetricsWriter.FamilyName(map));

    [Theory]
    [InlineData("host", true)]
    [InlineData("_role", true)]
    [InlineData("9lives", false)]
    [InlineData("a-b", false)]
    [InlineData("__name__", false)]
    [InlineData("le", false)]
    [InlineData("key", false)]
    [InlineData("key2", false)]
    [InlineData("keyring", true)]
    [InlineData("value", false)]
    public void RunLabelNames(string name, bool valid) => Assert.Equal(valid, OpenMetricsWriter.IsValidRunLabel(name));

    [Fact]
    public void EveryKindTogetherPassesPromtool()
    {
        var all = new[]
        {
            M(Keyed("@c", E(new CountValue(1), "x"))),
            M(Scalar("@written", new SumValue(5)), sumOnlyGrows: true),
            M(Scalar("@g", new SumValue(-5))),
            M(Scalar("@st", new StatsValue(2, 10))),
            M(Scalar("@sizes", HistValue.Of(3, 100))),
            M(Scalar("@l", LinearHistValue.Of(0, 100, 10, 50))),
            M(Scalar("@str", S("x"))),
        };
        var text = Prometheus(all);
        Assert.Equal(7, text.Split('\n').Count(l => l.StartsWith("# TYPE", StringComparison.Ordinal)));
    }

    /// <summary>The text, after <c>promtool check metrics</c> accepted it without a problem (lint included).</summary>
    private static string Checked(string text)
    {
        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        Assert.True(promtool is not null, "promtool is not installed: ./test.sh installs the prometheus package (apt-get install prometheus)");
        var start = new ProcessStartInfo(promtool!, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(text);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "promtool did not finish within 30 s");
        Assert.True(process.ExitCode == 0, $"promtool check metrics failed ({process.ExitCode}):\n{stdout.Result}{stderr.Result}\n--- input ---\n{text}");
        Assert.Equal("", stdout.Result + stderr.Result);
        return text;
    }
}
