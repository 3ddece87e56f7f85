using System.Net;

namespace SharpTrace;

/// <summary>
/// What a run offers besides its events: the live maps as a Prometheus/OpenMetrics endpoint and as
/// <see cref="System.Diagnostics.Metrics"/> instruments (docs/metrics.md). The default offers neither.
/// </summary>
public sealed record RunOptions
{
    /// <summary>Serve <c>GET /metrics</c> here while the run goes on (<c>--metrics</c>); null for no endpoint.</summary>
    public IPEndPoint? MetricsEndpoint { get; init; }

    /// <summary>Labels added to every series, endpoint and meter alike (<c>--metrics-label host=web-1</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> MetricsLabels { get; init; } = [];

    /// <summary>
    /// The name of a <see cref="System.Diagnostics.Metrics.Meter"/> the run creates, with one observable instrument per
    /// map, read when a listener collects; the meter is disposed when the run ends. Null for no meter.
    /// </summary>
    public string? MeterName { get; init; }

    /// <summary>
    /// Test mode (<c>--test</c>): after BEGIN, run each <c>test:</c> probe once, in order, and report it
    /// (<see cref="TestResultEvent"/>); nothing is attached, no map is printed, and the run's exit code is 1 when a test
    /// failed. Without it <c>test:</c> probes are ignored.
    /// </summary>
    public bool Tests { get; init; }

    /// <summary>
    /// Bench mode (<c>--bench</c>): after BEGIN, run each <c>bench:</c> probe repeatedly until it has run for a
    /// millisecond and report its average time (<see cref="BenchmarkResultEvent"/>); nothing is attached and no map is
    /// printed. Without it <c>bench:</c> probes are ignored.
    /// </summary>
    public bool Benchmarks { get; init; }

    /// <summary>The name diagnostics and HELP lines give the script; by default the one it was compiled with.</summary>
    public string? ScriptName { get; init; }

    /// <summary>
    /// Parses <c>--metrics</c>'s <c>[ADDR:]PORT</c>: <c>9100</c> is <c>127.0.0.1:9100</c>; <c>0.0.0.0:9100</c>,
    /// <c>[::1]:9100</c>. Returns null when the text is not one.
    /// </summary>
    public static IPEndPoint? ParseMetricsEndpoint(string text)
    {
        if (ushort.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
            return new IPEndPoint(IPAddress.Loopback, port);
        // An IPv6 address goes in brackets, so that its port is unambiguous: [::1]:9100.
        var explicitPort = text.StartsWith('[') ? text.Contains("]:", StringComparison.Ordinal) : text.Count(c => c == ':') == 1;
        return explicitPort && IPEndPoint.TryParse(text, out var endpoint) ? endpoint : null;
    }

    /// <summary>Checks the labels: valid Prometheus label names, none that a map series uses itself; null when all are fine.</summary>
    public string? CheckMetricsLabels()
    {
        foreach (var (name, _) in MetricsLabels)
        {
            if (!Output.OpenMetricsWriter.IsValidRunLabel(name))
                return $"metrics label '{name}': a label name is letters, digits and '_', not starting with a digit or '__', and not le, quantile, key, keyN, value or valueN";
        }
        var duplicate = MetricsLabels.GroupBy(l => l.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"metrics label '{duplicate.Key}' is given twice";
    }
}

