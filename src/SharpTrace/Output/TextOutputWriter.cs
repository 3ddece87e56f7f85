using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>
/// bpftrace 0.17's text output, except that empty maps print nothing and neither does an empty exit section, and that
/// histograms and time series print as the newest bpftrace prints them (header, labels, bars of a divided hist).
/// </summary>
public sealed class TextOutputWriter(TextWriter output) : IOutputWriter
{
    private const int BarWidth = 52;

    /// <summary>
    /// The encoding to give the writer of text output so traced byte strings come out byte for byte, as bpftrace prints
    /// them: UTF-8, except that bytes which are not valid UTF-8 (in a <c>comm</c>, a file name, a <c>\xNN</c> escape),
    /// which event texts carry as the characters U+DC80-U+DCFF, are written as the original bytes.
    /// </summary>
    public static Encoding ByteExactEncoding => RawText.OutputEncoding.Instance;

    /// <inheritdoc/>
    public void AttachedProbes(int count)
    {
        // The "Attached N probes" line goes to stderr, written by the CLI: stdout keeps only the program's output.
    }

    /// <inheritdoc/>
    public void Printf(string text) => output.Write(text);

    /// <inheritdoc/>
    public void Time(string text) => output.Write(text);

    /// <inheritdoc/>
    public void Join(string text) => output.Write(text + "\n");

    /// <inheritdoc/>
    public void Cat(string text) => output.Write(text);

    /// <inheritdoc/>
    public void Syscall(string text) => output.Write(text);

    /// <inheritdoc/>
    public void Value(RuntimeValue value) => output.Write(FormatValue(value) + "\n");

    /// <inheritdoc/>
    public void Map(MapSnapshot map, uint top = 0, uint div = 0) => output.Write(FormatMap(map, top, div));

    /// <inheritdoc/>
    public void MapsAtExit(IReadOnlyList<MapSnapshot> maps)
    {
        var printed = maps.Where(m => m.Entries.Count > 0).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        if (printed.Count == 0)
            return;
        var text = new StringBuilder("\n\n");
        foreach (var map in printed)
            text.Append(FormatMap(map, 0, 0));
        output.Write(text.ToString());
    }

    /// <inheritdoc/>
    public void LostEvents(ulong count) => output.Write($"Lost {count} events\n");

    /// <inheritdoc/>
    public void TestResult(TestResult result) => output.Write(result.FormatText());

    /// <inheritdoc/>
    public void BenchmarkResult(BenchmarkResult result) => output.Write(result.FormatText());

    /// <inheritdoc/>
    public void Flush() => output.Flush();

    /// <summary>
    /// A map as the newest bpftrace prints it: one <c>@m[key]: value</c> line per entry; a histogram or time series
    /// (a value of several lines) as the header <c>@m[key]:</c>, a newline, its lines and a blank line; avg and stats
    /// maps followed by one blank line. Empty maps give "".
    /// </summary>
    public static string FormatMap(MapSnapshot map, uint top = 0, uint div = 0)
    {
        if (map.Entries.Count == 0)
            return "";
        div = Math.Max(div, 1);
        var text = new StringBuilder();
        var entries = map.EntriesInPrintOrder(top);
        foreach (var entry in entries)
        {
            text.Append(map.Name);
            if (entry.Key.Count > 0)
                text.Append('[').AppendJoin(", ", KeyElements(entry.Key).Select(FormatKey)).Append(']');
            if (entry.Value is HistValue or LinearHistValue or TimeSeriesValue)
            {
                // No space after the colon (bpftrace 0.17 writes "@m: "): output/text.cpp puts a value that is not
                // one line on the lines after its header.
                text.Append(":\n").Append(FormatValue(entry.Value, div)).Append('\n');
                continue;
            }
            text.Append(": ").Append(FormatValue(entry.Value, div)).Append('\n');
        }
        if (entries[0].Value is AvgValue or StatsValue)
            text.Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// A map's key as its elements: one tuple written as the key (<c>@m[(1, "a")]</c>) is the same key as
    /// <c>@m[1, "a"]</c> and prints without its parentheses, as the newest bpftrace prints it.
    /// </summary>
    internal static IReadOnlyList<RuntimeValue> KeyElements(IReadOnlyList<RuntimeValue> key) =>
        key is [TupleValue tuple] ? tuple.Elements : key;

    /// <summary>A map key as bpftrace's text shows it: like a value, except that a stack's frames are indented by 4, not 8.</summary>
    internal static string FormatKey(RuntimeValue key) =>
        key is StackValue stack ? stack.Format(StackValue.KeyIndent) : FormatValue(key);

    /// <summary>A value as bpftrace's text shows it: integers in decimal, strings raw, tuples as <c>(1, b)</c>.</summary>
    public static string FormatValue(RuntimeValue value, uint div = 1) => value switch
    {
        IntegerValue { IsSigned: true } i => Decimal(i.Value / div),
        IntegerValue i => Decimal((ulong)i.Value / div),
        StringValue s => s.Value,
        BooleanValue b => b.ToString(),
        BufferValue b => b.ToString(),
        StackValue s => s.Format(StackValue.ValueIndent),
        TupleValue t => "(" + string.Join(", ", t.Elements.Select(e => FormatValue(e, div))) + ")",
        RecordValue { Fields.Count: 0 } => "{}",
        RecordValue r => "{ " + string.Join(", ", r.Fields.Select(f => "." + f.Name + " = " + FormatValue(f.Value, div))) + " }",
        ArrayValue a => "[" + string.Join(",", a.Elements.Select(e => FormatValue(e, div))) + "]",
        SymbolicValue or NoneValue => value.ToString()!,
        CountValue c => Decimal(c.Value / div),
        SumValue s => Decimal(s.Value / div),
        MinValue m => Decimal(m.Value / div),
        MaxValue m => Decimal(m.Value / div),
        AvgValue a => Decimal(a.Average / div),
        // bpftrace leaves stats undivided: dividing the count would make it a different statistic.
        StatsValue s => $"count {Decimal(s.Count)}, average {Decimal(s.Average)}, total {Decimal(s.Total)}",
        HistValue h => FormatHistogram(h.Buckets, i => Histogram.Log2Label(i, h.Bits), div),
        // The newest bpftrace does not divide an lhist's counts ("div has no effect on linear histograms"), nor does 0.17.
        LinearHistValue l => FormatHistogram(l.Buckets, i => Histogram.LinearLabel(i, l.Min, l.Max, l.Step), 1),
        TimeSeriesValue t => TimeSeriesFormat.Text(t),
        _ => throw new ArgumentException($"No text form for {value.GetType().Name}.", nameof(value)),
    };

    // One line per bucket from the first non-empty bucket to the last (empty buckets between them stay), with a bar
    // scaled so that the fullest bucket is BarWidth wide. Counts are divided by div before the bars are scaled, as the
    // newest bpftrace does (0.17 scales the bars by the undivided counts); when every divided count is 0, no bar.
    private static string FormatHistogram(IReadOnlyList<ulong> buckets, Func<int, string> label, uint div)
    {
        var text = new StringBuilder();
        int first = -1, last = -1;
        for (var i = 0; i < buckets.Count; i++)
        {
            if (buckets[i] == 0)
                continue;
            if (first < 0)
                first = i;
            last = i;
        }
        if (first < 0)
            return "";
        ulong max = 0;
        for (var i = first; i <= last; i++)
            max = Math.Max(max, buckets[i] / div);
        for (var i = first; i <= last; i++)
        {
            var count = buckets[i] / div;
            // Single-precision arithmetic, as bpftrace computes it, so the bars round the same way.
            var bar = max == 0 ? 0 : (int)((float)count / (float)max * BarWidth);
            text.Append(label(i).PadRight(16))
                .Append(Decimal(count).PadLeft(8))
                .Append(" |")
                .Append(new string('@', bar).PadRight(BarWidth))
                .Append("|\n");
        }
        return text.ToString();
    }

    private static string Decimal(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Decimal(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
