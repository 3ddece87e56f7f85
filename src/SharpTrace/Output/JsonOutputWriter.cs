using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>
/// bpftrace's JSON output (<c>-f json</c>): one object per line, spaced as bpftrace spaces it
/// (<c>{"type": "map", "data": {"@a": 1}}</c>), and never an empty line.
/// </summary>
/// <remarks>
/// The records are written by hand rather than with <c>Utf8JsonWriter</c>, because bpftrace's spacing is irregular
/// (a space after <c>:</c> and <c>,</c> in objects, none in tuples) and consumers compare lines byte for byte.
/// </remarks>
public sealed class JsonOutputWriter(TextWriter output) : IOutputWriter
{
    /// <inheritdoc/>
    public void AttachedProbes(int count) =>
        WriteRecord("attached_probes", "{\"probes\": " + Decimal(count) + "}");

    /// <inheritdoc/>
    public void Printf(string text)
    {
        // Written in place, without building the record as a string: a flood of printf events comes through here.
        output.Write("{\"type\": \"printf\", \"data\": ");
        WriteQuoted(text);
        output.Write("}\n");
    }

    /// <inheritdoc/>
    public void Time(string text) => WriteRecord("time", Quote(text));

    /// <inheritdoc/>
    public void Join(string text) => WriteRecord("join", Quote(text));

    /// <inheritdoc/>
    public void Cat(string text) => WriteRecord("cat", Quote(text));

    /// <inheritdoc/>
    public void Syscall(string text) => WriteRecord("syscall", Quote(text));

    /// <inheritdoc/>
    public void Value(RuntimeValue value) => WriteRecord("value", FormatValue(value));

    /// <inheritdoc/>
    public void Map(MapSnapshot map, uint top = 0, uint div = 0) =>
        // An explicit print of an empty map still writes a record, so that a consumer sees the interval happened.
        output.Write(FormatMap(map, top, div) ?? Record("map", "{" + Quote(map.Name) + ": {}}"));

    /// <inheritdoc/>
    public void MapsAtExit(IReadOnlyList<MapSnapshot> maps)
    {
        foreach (var map in maps.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (FormatMap(map, 0, 0) is { } line)
                output.Write(line);
        }
    }

    /// <inheritdoc/>
    public void LostEvents(ulong count) => WriteRecord("lost_events", "{\"events\": " + Decimal(count) + "}");

    /// <inheritdoc/>
    public void TestResult(TestResult result) => WriteRecord("test_result", "{" + Quote(result.Name) + ": {\"duration\": "
        + Decimal(result.Nanoseconds) + ", \"passed\": " + (result.HasPassed ? "true" : "false") + ", \"output\": " + Quote(result.Output) + "}}");

    /// <inheritdoc/>
    public void BenchmarkResult(BenchmarkResult result) => WriteRecord("benchmark_result", "{" + Quote(result.Name) + ": {\"average\": "
        + Decimal(result.AverageNanoseconds) + ", \"iters\": " + Decimal(result.Iterations) + "}}");

    /// <inheritdoc/>
    public void Flush() => output.Flush();

    /// <summary>
    /// bpftrace's record of an <c>errorf</c>/<c>warnf</c> message: no <c>data</c> field, the text in <c>msg</c> and the
    /// call's place (<c>{"type": "errorf", "msg": "...", "filename": "stdin", "line": 1, "col": 9}</c>).
    /// </summary>
    public void ScriptMessage(ScriptMessage message) =>
        output.Write((message.Helper is { } helper
                ? "{\"type\": \"helper_error\", \"msg\": " + Quote(helper.Error) + ", \"helper\": " + Quote(Decimal(helper.HelperId))
                    + ", \"retcode\": " + Decimal(helper.ReturnCode)
                : "{\"type\": \"" + (message.RecordType ?? (message.IsError ? "errorf" : "warnf")) + "\", \"msg\": " + Quote(message.Text))
            + ", \"filename\": " + Quote(message.FileName) + ", \"line\": " + Decimal(message.Line)
            + ", \"col\": " + Decimal(message.Column) + "}\n");

    /// <summary>
    /// The record of a map, newline included: <c>{"type": "map", "data": {"@m": {"k": 1}}}</c>, or type
    /// <c>hist</c> for hist and lhist, <c>stats</c> for avg and stats. Null for an empty map.
    /// </summary>
    public static string? FormatMap(MapSnapshot map, uint top = 0, uint div = 0)
    {
        if (map.Entries.Count == 0)
            return null;
        div = Math.Max(div, 1);
        var entries = map.EntriesInPrintOrder(top);
        var type = entries[0].Value switch
        {
            HistValue or LinearHistValue => "hist",
            TimeSeriesValue => "tseries",
            AvgValue or StatsValue => "stats",
            _ => "map",
        };
        var data = new StringBuilder("{").Append(Quote(map.Name)).Append(": ");
        if (map.IsScalar && entries.Count == 1 && entries[0].Key.Count == 0)
        {
            data.Append(FormatValue(entries[0].Value, div));
        }
        else
        {
            data.Append('{');
            data.AppendJoin(", ", entries.Select(e =>
                Quote(string.Join(",", TextOutputWriter.KeyElements(e.Key).Select(JsonKey))) + ": " + FormatValue(e.Value, div)));
            data.Append('}');
        }
        data.Append('}');
        return Record(type, data.ToString());
    }

    /// <summary>
    /// A key element in a JSON map's key: its text, and for a tuple, record, struct or array inside the key that text
    /// without spaces, as the newest bpftrace writes compound keys (<c>"1,(2,c)"</c>, <c>"{.a=1,.b=x}"</c>).
    /// </summary>
    private static string JsonKey(RuntimeValue key) => key is TupleValue or RecordValue or ArrayValue
        ? TextOutputWriter.FormatKey(key).Replace(" ", "", StringComparison.Ordinal)
        : TextOutputWriter.FormatKey(key);

    /// <summary>A value as bpftrace's JSON shows it: numbers, quoted strings, tuples as <c>[1,"b"]</c>.</summary>
    public static string FormatValue(RuntimeValue value, uint div = 1) => value switch
    {
        StringValue s => Quote(s.Value),
        BooleanValue b => b.ToString(),
        // The newest bpftrace writes a buffer's bytes as a JSON array of C chars, signed on x86-64 (0xff is -1); bpftrace
        // 0.17 wrote its escaped text as a string. A buffer in a map key stays its text, as every key does.
        BufferValue b => "[" + string.Join(",", b.Bytes.Select(x => ((sbyte)x).ToString(CultureInfo.InvariantCulture))) + "]",
        StackValue s => Quote(s.Format(StackValue.ValueIndent)),
        TupleValue t => "[" + string.Join(",", t.Elements.Select(e => FormatValue(e, div))) + "]",
        // The newest bpftrace writes a record as an object spaced like its maps (0.17 added spaces inside the braces).
        RecordValue r => "{" + string.Join(", ", r.Fields.Select(f => Quote(f.Name) + ": " + FormatValue(f.Value, div))) + "}",
        ArrayValue a => "[" + string.Join(",", a.Elements.Select(e => FormatValue(e, div))) + "]",
        SymbolicValue n => Decimal(n.Number),
        StatsValue s => $"{{\"count\": {Decimal(s.Count)}, \"average\": {Decimal(s.Average)}, \"total\": {Decimal(s.Total)}}}",
        HistValue h => FormatBuckets(h.Buckets, i => (Histogram.Log2BucketMin(i, h.Bits), Histogram.Log2BucketMax(i, h.Bits)), div),
        // div has no effect on an lhist's counts in the newest bpftrace (nor in 0.17).
        LinearHistValue l => FormatBuckets(l.Buckets, i => Histogram.LinearBucketRange(i, l.Min, l.Max, l.Step), 1),
        TimeSeriesValue t => TimeSeriesFormat.Json(t),
        _ => TextOutputWriter.FormatValue(value, div),
    };

    /// <summary>A JSON string literal, escaped as bpftrace escapes it (control characters as <c>\u00XX</c>).</summary>
    // Runs of characters that need no escape are written as spans; the rest go through Quote's escapes.
    private void WriteQuoted(string text)
    {
        output.Write('"');
        var span = text.AsSpan();
        while (span.Length > 0)
        {
            var plain = span.IndexOfAny(Escaped);
            if (plain < 0)
            {
                output.Write(span);
                break;
            }
            output.Write(span[..plain]);
            var quoted = Quote(span[plain].ToString());
            output.Write(quoted.AsSpan(1, quoted.Length - 2));
            span = span[(plain + 1)..];
        }
        output.Write('"');
    }

    private static readonly System.Buffers.SearchValues<char> Escaped = System.Buffers.SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    internal static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        // JSON is Unicode: bytes that are not UTF-8 (kept as escapes, RawText) print as U+FFFD.
        foreach (var c in RawText.ToValidUnicode(text))
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case < ' ': quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: quoted.Append(c); break;
            }
        }
        return quoted.Append('"').ToString();
    }

    // Buckets from the first non-empty one to the last, each {"min": a, "max": b, "count": n}; open ends leave out
    // their bound. All-empty histograms (after zero()) are [].
    private static string FormatBuckets(IReadOnlyList<ulong> buckets, Func<int, (long? Min, long? Max)> range, uint div)
    {
        int first = -1, last = -1;
        for (var i = 0; i < buckets.Count; i++)
        {
            if (buckets[i] == 0)
                continue;
            if (first < 0)
                first = i;
            last = i;
        }
        var json = new StringBuilder("[");
        for (var i = first; first >= 0 && i <= last; i++)
        {
            if (i > first)
                json.Append(", ");
            var (min, max) = range(i);
            json.Append('{');
            if (min is { } lo)
                json.Append("\"min\": ").Append(Decimal(lo)).Append(", ");
            if (max is { } hi)
                json.Append("\"max\": ").Append(Decimal(hi)).Append(", ");
            json.Append("\"count\": ").Append(Decimal(buckets[i] / div)).Append('}');
        }
        return json.Append(']').ToString();
    }

    private void WriteRecord(string type, string data) => output.Write(Record(type, data));

    private static string Record(string type, string data) => "{\"type\": \"" + type + "\", \"data\": " + data + "}\n";

    private static string Decimal(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Decimal(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
