using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>The two text formats a scraper may ask for.</summary>
internal enum MetricsFormat
{
    /// <summary>Prometheus text exposition format 0.0.4 (<c>text/plain; version=0.0.4</c>).</summary>
    Prometheus,

    /// <summary>OpenMetrics 1.0 text (<c>application/openmetrics-text; version=1.0.0</c>), ended by <c># EOF</c>.</summary>
    OpenMetrics,
}

/// <summary>
/// One map to expose: its entries now, and whether a <c>sum()</c> in it can only grow (every argument unsigned or a
/// non-negative constant), which makes it a counter rather than a gauge.
/// </summary>
internal sealed record MetricsMap(MapSnapshot Snapshot, bool SumOnlyGrows = false);

/// <summary>One sample line: the family name's suffix (<c>_total</c>, <c>_bucket</c>, or none), its labels, its value as text.</summary>
internal sealed record MetricSample(string Suffix, IReadOnlyList<KeyValuePair<string, string>> Labels, string Value);

/// <summary>
/// Writes map snapshots as metric families (docs/metrics.md): <c>@name</c> is the family <c>sharptrace_name</c>, keys
/// are labels (<c>key</c>, or <c>key0</c>..<c>keyN</c>), and the value's aggregation decides the type: count() a counter,
/// sum() a counter or gauge, integers, min, max and avg gauges, stats a summary of <c>_count</c> and <c>_sum</c>,
/// hist and lhist histograms, strings and tuples an info-style gauge of 1. Maps without entries write nothing.
/// </summary>
internal sealed class OpenMetricsWriter(string scriptName, IReadOnlyList<KeyValuePair<string, string>> runLabels)
{
    /// <summary>The script's name in HELP lines: its file, or <c>stdin</c> for <c>-e</c>.</summary>
    public string ScriptName { get; } = scriptName;

    /// <summary>The Content-Type of each format.</summary>
    public static string ContentType(MetricsFormat format) => format == MetricsFormat.OpenMetrics
        ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
        : "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The family name of a map: <c>@opens</c> is <c>sharptrace_opens</c>, the anonymous map <c>@</c> is <c>sharptrace_map</c>.</summary>
    public static string FamilyName(string mapName)
    {
        var name = mapName.TrimStart('@');
        var text = new StringBuilder("sharptrace_");
        foreach (var c in name.Length == 0 ? "map" : name)
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        return text.ToString();
    }

    /// <summary>True for a name Prometheus accepts as a label name that no map series uses itself.</summary>
    public static bool IsValidRunLabel(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && !name.StartsWith("__", StringComparison.Ordinal) && name is not ("le" or "quantile")
        && !IsNumbered(name, "key") && !IsNumbered(name, "value");

    private static bool IsNumbered(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal) && name[prefix.Length..].All(char.IsAsciiDigit);

    /// <summary>Every map with entries, in name order, in <paramref name="format"/>.</summary>
    public string Write(IEnumerable<MetricsMap> maps, MetricsFormat format)
    {
        var text = new StringBuilder();
        foreach (var map in maps.Where(m => m.Snapshot.Entries.Count > 0).OrderBy(m => m.Snapshot.Name, StringComparer.Ordinal))
            new Family(this, map, format).Write(text);
        if (format == MetricsFormat.OpenMetrics)
            text.Append("# EOF\n");
        return text.ToString();
    }

    /// <summary>The samples of one map, as the Prometheus format writes them (what a .NET meter measures).</summary>
    public IReadOnlyList<MetricSample> Samples(MetricsMap map)
    {
        if (map.Snapshot.Entries.Count == 0)
            return [];
        var family = new Family(this, map, MetricsFormat.Prometheus);
        family.Write(new StringBuilder());
        return family.Written;
    }

    /// <summary>A label value with backslash, double quote and newline escaped, as both formats want.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A map key or string value as label text: a stack as its folded frames (outermost first, joined by <c>;</c>).</summary>
    public static string LabelText(RuntimeValue value) => value switch
    {
        StackValue stack => string.Join(';', stack.Frames.Reverse().Select(f => f.Symbol)),
        TupleValue tuple => string.Join(',', tuple.Elements.Select(LabelText)),
        _ => value.ToString() ?? "",
    };

    /// <summary>The labels of an entry: the run's, then <c>key</c> or <c>key0</c>..<c>keyN</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> EntryLabels(MapEntry entry)
    {
        var labels = new List<KeyValuePair<string, string>>(runLabels);
        if (entry.Key.Count == 1)
            labels.Add(new("key", LabelText(entry.Key[0])));
        else
            for (var i = 0; i < entry.Key.Count; i++)
                labels.Add(new("key" + i.ToString(CultureInfo.InvariantCulture), LabelText(entry.Key[i])));
        return labels;
    }

    private sealed class Family(OpenMetricsWriter writer, MetricsMap map, MetricsFormat format)
    {
        private readonly string _name = FamilyName(map.Snapshot.Name);
        private readonly List<MetricSample> _samples = [];
        private bool OpenMetrics => format == MetricsFormat.OpenMetrics;

        public IReadOnlyList<MetricSample> Written => _samples;

        public void Write(StringBuilder text)
        {
            // Keys that differ in the map but not as labels (stacks with the same frames from different stack ids or
            // processes) are one series: their values combine as per-CPU values do, and a string keeps the first.
            var entries = map.Snapshot.Entries
                .Select(e => (Entry: e, Labels: writer.EntryLabels(e)))
                .GroupBy(e => LabelSet(e.Labels), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (Entry: g.First().Entry with { Value = CombineValues(g.Select(e => e.Entry.Value)) }, g.First().Labels))
                .ToList();
            var first = entries[0].Entry.Value;
            var (type, what) = first switch
            {
                CountValue => ("counter", "count()"),
                SumValue => (map.SumOnlyGrows ? "counter" : "gauge", "sum()"),
                MinValue => ("gauge", "min()"),
                MaxValue => ("gauge", "max()"),
                AvgValue => ("gauge", "avg()"),
                StatsValue => ("summary", "stats()"),
                HistValue => ("histogram", "hist()"),
                LinearHistValue => ("histogram", "lhist()"),
                IntegerValue => ("gauge", "integer value"),
                _ => ("gauge", "value as the label 'value'"),
            };
            // Prometheus's own format names a counter family after its sample (name_total); OpenMetrics without the suffix.
            var family = type == "counter" && !OpenMetrics ? _name + "_total" : _name;
            var help = $"{what} of map {map.Snapshot.Name} in sharptrace script {writer.ScriptName}";
            text.Append("# HELP ").Append(family).Append(' ').Append(EscapeHelp(help)).Append('\n');
            text.Append("# TYPE ").Append(family).Append(' ').Append(type).Append('\n');
            foreach (var (entry, labels) in entries)
                WriteEntry(entry.Value, labels, type);
            foreach (var sample in _samples)
            {
                text.Append(_name).Append(sample.Suffix);
                if (sample.Labels.Count > 0)
                    text.Append('{').Append(LabelSet(sample.Labels)).Append('}');
                text.Append(' ').Append(sample.Value).Append('\n');
            }
        }

        private static RuntimeValue CombineValues(IEnumerable<RuntimeValue> values)
        {
            var list = values.ToList();
            var combines = list.All(v => v is CountValue or SumValue or MinValue or MaxValue or AvgValue or StatsValue
                or HistValue or LinearHistValue or IntegerValue) && list.Select(v => v.GetType()).Distinct().Count() == 1;
            return list.Count > 1 && combines ? Aggregation.Combine(list) : list[0];
        }

        private string EscapeHelp(string help) => OpenMetrics
            ? EscapeLabelValue(help)
            : help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

        private void WriteEntry(RuntimeValue value, IReadOnlyList<KeyValuePair<string, string>> labels, string type)
        {
            switch (value)
            {
                case CountValue count:
                    Sample("_total", labels, Number(count.Value));
                    break;
                case SumValue sum:
                    Sample(type == "counter" ? "_total" : "", labels, Number(sum.Value));
                    break;
                case MinValue min:
                    Sample("", labels, Number(min.Value));
                    break;
                case MaxValue max:
                    Sample("", labels, Number(max.Value));
                    break;
                case AvgValue avg:
                    Sample("", labels, Number(avg.Average));
                    break;
                case IntegerValue integer:
                    Sample("", labels, integer.ToString());
                    break;
                case StatsValue stats:
                    Sample("_count", labels, Number(stats.Count));
                    // OpenMetrics wants a summary's sum to be a counter: a negative one is left out.
                    if (!OpenMetrics || stats.Total >= 0)
                        Sample("_sum", labels, Number(stats.Total));
                    break;
                case HistValue hist:
                    Buckets(labels, hist.Buckets, i => Histogram.Log2BucketMax(i, hist.Bits), lastIsOverflow: false);
                    break;
                case LinearHistValue lhist:
                    Buckets(labels, lhist.Buckets, i => i == 0 ? lhist.Min - 1 : lhist.Min + i * lhist.Step - 1, lastIsOverflow: true);
                    break;
                case TupleValue tuple:
                    Sample("", [.. labels, .. tuple.Elements.Select((e, i) => new KeyValuePair<string, string>("value" + i.ToString(CultureInfo.InvariantCulture), LabelText(e)))], "1");
                    break;
                default:
                    Sample("", [.. labels, new("value", LabelText(value))], "1");
                    break;
            }
        }

        /// <summary>
        /// Cumulative <c>le</c> buckets up to the last one holding a value, then <c>+Inf</c> and <c>_count</c>; no
        /// <c>_sum</c>, which a histogram does not keep. An lhist's last bucket (at or above max) is only in <c>+Inf</c>.
        /// </summary>
        private void Buckets(IReadOnlyList<KeyValuePair<string, string>> labels, IReadOnlyList<ulong> buckets, Func<int, long> upperBound, bool lastIsOverflow)
        {
            var end = lastIsOverflow ? buckets.Count - 1 : buckets.Count;
            var last = end - 1;
            while (last > 0 && buckets[last] == 0)
                last--;
            ulong cumulative = 0;
            for (var i = 0; i <= last; i++)
            {
                cumulative += buckets[i];
                Sample("_bucket", [.. labels, new("le", Float(upperBound(i)))], Number(cumulative));
            }
            var total = Sequence.Sum(buckets);
            Sample("_bucket", [.. labels, new("le", "+Inf")], Number(total));
            Sample("_count", labels, Number(total));
        }

        private void Sample(string suffix, IReadOnlyList<KeyValuePair<string, string>> labels, string value) =>
            _samples.Add(new MetricSample(suffix, labels, value));

        private static string LabelSet(IReadOnlyList<KeyValuePair<string, string>> labels) =>
            string.Join(',', labels.Select(l => l.Key + "=\"" + EscapeLabelValue(l.Value) + "\""));

        private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

        // A bucket bound as OpenMetrics' canonical float text (1.0, -1.0), the same in both formats so that a series
        // keeps its identity whichever format the scraper asked for.
        private static string Float(long value) => value.ToString(CultureInfo.InvariantCulture) + ".0";
    }
}
