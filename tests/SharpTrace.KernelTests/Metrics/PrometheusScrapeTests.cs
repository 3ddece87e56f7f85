using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Metrics;

/// <summary>
/// The acceptance of issue 18 end to end: a real Prometheus server scrapes <c>--metrics</c> every second while the
/// test opens files, and its query API then holds the series with their labels and values, the histogram's buckets,
/// and, once the script cleared a map, no series for it (marked stale).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PrometheusScrapeTests : KernelTest
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PrometheusSeesTheSeriesTheBucketsAndTheClearedSeriesGone()
    {
        var prefix = $"/tmp/st-prometheus-{Guid.NewGuid():N}";
        var port = Scraper.FreePort();
        using var tool = SharpTraceRun.Start(["--metrics", port.ToString(), "--metrics-label", "host=fleet-test", "-e", MetricsEndpointTests.LifecycleScript(prefix)]);
        await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);
        using var prometheus = await PrometheusServer.StartAsync(port, Bound);

        for (var i = 0; i < 3; i++)
            await TestPrograms.RunAsync("opener", prefix + "-open");

        await prometheus.UntilAsync(async () => Values(await prometheus.QueryAsync("sharptrace_sizes_count")) == "3", Bound, "three opens in Prometheus");
        var opens = Assert.Single(await prometheus.QueryAsync("sharptrace_opens_total"));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["__name__"] = "sharptrace_opens_total", ["host"] = "fleet-test", ["instance"] = $"127.0.0.1:{port}",
                ["job"] = "sharptrace", ["key"] = "opener",
            },
            opens.Labels);
        Assert.Equal("3", opens.Value);
        var buckets = (await prometheus.QueryAsync("sharptrace_sizes_bucket"))
            .Select(s => (s.Labels["le"], s.Value)).OrderBy(b => b.Item2).ThenBy(b => b.Item1).ToList();
        Assert.Equal([("-1.0", "0"), ("0.0", "1"), ("1.0", "2"), ("+Inf", "3"), ("3.0", "3")], buckets);
        Assert.Equal("3", Values(await prometheus.QueryAsync("sharptrace_recent_total")));
        Assert.Equal("3", Values(await prometheus.QueryAsync("sharptrace_recent_scalar_total")));
        Assert.Equal("3", Values(await prometheus.QueryAsync("sharptrace_zeroed_total")));
        Assert.Equal(("up", ""), await prometheus.TargetAsync());

        await TestPrograms.RunAsync("opener", prefix + "-clear");
        await prometheus.UntilAsync(async () => (await prometheus.QueryAsync("sharptrace_recent_total")).Count == 0, Bound, "@recent gone from Prometheus");
        Assert.Empty(await prometheus.QueryAsync("sharptrace_recent_scalar_total"));
        Assert.Equal("0", Values(await prometheus.QueryAsync("sharptrace_zeroed_total")));
        Assert.Equal("3", Values(await prometheus.QueryAsync("sharptrace_opens_total")));
        Assert.Equal(("up", ""), await prometheus.TargetAsync());

        tool.Interrupt();
        Assert.Equal(0, (await tool.WaitForExitAsync(TracerProcess.DefaultTimeout)).ExitCode);
    }

    private static string Values(IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, string Value)> series) =>
        string.Join(",", series.Select(s => s.Value));
}
