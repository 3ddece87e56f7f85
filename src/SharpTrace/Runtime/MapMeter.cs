using System.Diagnostics.Metrics;
using System.Globalization;
using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>
/// The live maps as observable instruments on a <see cref="Meter"/> of their own, named as the exposition names the
/// families (docs/metrics.md): count() and a growing sum() are counters, another sum() an up-down counter, integers,
/// min, max, avg and strings gauges, stats a <c>_count</c> counter and a <c>_sum</c> up-down counter, hist and lhist a
/// <c>_bucket</c> counter (cumulative, tagged <c>le</c>) and a <c>_count</c> counter. Each collection reads the map.
/// </summary>
internal static class MapMeter
{
    /// <summary>A meter with one instrument (two for stats and histograms) per map of the run; dispose it when the run ends.</summary>
    public static Meter Create(string meterName, string version, LiveMaps live, OpenMetricsWriter writer)
    {
        var meter = new Meter(meterName, version);
        foreach (var symbol in live.Symbols.Where(s => s.ValueType is not null))
        {
            var family = OpenMetricsWriter.FamilyName(symbol.Name);
            var help = $"map {symbol.Name} of sharptrace script {writer.ScriptName}";
            switch (symbol.ValueType)
            {
                case AggregationType { Kind: AggregationKind.Count }:
                    meter.CreateObservableCounter(family, Measure(live, writer, symbol.Name, "_total"), description: "count() of " + help);
                    break;
                case AggregationType { Kind: AggregationKind.Sum } when live.SumOnlyGrows(symbol.Name):
                    meter.CreateObservableCounter(family, Measure(live, writer, symbol.Name, "_total"), description: "sum() of " + help);
                    break;
                case AggregationType { Kind: AggregationKind.Sum }:
                    meter.CreateObservableUpDownCounter(family, Measure(live, writer, symbol.Name, ""), description: "sum() of " + help);
                    break;
                case AggregationType { Kind: AggregationKind.Stats }:
                    meter.CreateObservableCounter(family + "_count", Measure(live, writer, symbol.Name, "_count"), description: "stats() count of " + help);
                    meter.CreateObservableUpDownCounter(family + "_sum", Measure(live, writer, symbol.Name, "_sum"), description: "stats() total of " + help);
                    break;
                case AggregationType { IsHistogram: true } histogram:
                    var kind = histogram.Kind == AggregationKind.Hist ? "hist()" : "lhist()";
                    meter.CreateObservableCounter(family + "_bucket", Measure(live, writer, symbol.Name, "_bucket"), description: kind + " cumulative buckets (tag le) of " + help);
                    meter.CreateObservableCounter(family + "_count", Measure(live, writer, symbol.Name, "_count"), description: kind + " count of " + help);
                    break;
                case AggregationType aggregation:
                    meter.CreateObservableGauge(family, Measure(live, writer, symbol.Name, ""), description: aggregation + "() of " + help);
                    break;
                default:
                    meter.CreateObservableGauge(family, Measure(live, writer, symbol.Name, ""), description: help);
                    break;
            }
        }
        return meter;
    }

    private static Func<IEnumerable<Measurement<long>>> Measure(LiveMaps live, OpenMetricsWriter writer, string mapName, string suffix) => () =>
        live.Read(name => name == mapName)
            .SelectMany(writer.Samples)
            .Where(sample => sample.Suffix == suffix)
            .Select(sample => new Measurement<long>(Value(sample.Value), sample.Labels.Select(l => new KeyValuePair<string, object?>(l.Key, l.Value))))
            .ToList();

    // Values are integers; an unsigned one beyond the range of long is reported as long's largest.
    private static long Value(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : long.MaxValue;
}
