using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>One interval of a time series: when it starts (nanoseconds since the epoch) and its value, if it has one.</summary>
public readonly record struct TimeSeriesPoint(ulong StartNanoseconds, IntegerValue? Value);

/// <summary>
/// The value of <c>tseries(v, interval, n)</c> for one key: its intervals from the first that holds a value to the
/// newest of the whole map, each with its value or none.
/// </summary>
public sealed record TimeSeriesValue(IReadOnlyList<TimeSeriesPoint> Points) : RuntimeValue
{
    /// <summary>The intervals as <c>start=value</c> pairs.</summary>
    public override string ToString() =>
        "tseries [" + string.Join(", ", Points.Select(p => FormattableString.Invariant($"{p.StartNanoseconds}={p.Value?.ToString() ?? "-"}"))) + "]";

    /// <inheritdoc/>
    public bool Equals(TimeSeriesValue? other) => other is not null && Points.SequenceEqual(other.Points);

    /// <inheritdoc/>
    public override int GetHashCode() => Sequence.Hash(Points);
}

/// <summary>How the newest bpftrace prints a time series: a graph of one line per interval in text, a list in JSON.</summary>
internal static class TimeSeriesFormat
{
    private const int GraphWidth = 53;
    private const int Padding = 21;

    /// <summary>
    /// The graph: the range's ends, a time column as precise as the interval (<c>hh:mm:ss.ms</c>), a row per interval
    /// with its point (<c>*</c>), the zero line (<c>.</c>) when the range spans zero, and <c>-</c> for an interval
    /// without a value; every line ends with a newline. A series without intervals is <c>&lt;no data&gt;</c>.
    /// </summary>
    public static string Text(TimeSeriesValue series)
    {
        var points = series.Points;
        if (points.Count == 0)
            return "<no data>";
        var values = points.Where(p => p.Value is not null).Select(p => p.Value!).ToList();
        var signed = values.Count == 0 || values[0].IsSigned;
        Int128 min = values.Count == 0 ? 0 : Number(values[0]), max = min;
        foreach (var value in values)
        {
            min = Int128.Min(min, Number(value));
            max = Int128.Max(max, Number(value));
        }
        if (min == max)
        {
            // Room on both sides of a flat line, unless that leaves the type's range.
            if (min > (signed ? long.MinValue : 0))
                min--;
            if (max < (signed ? long.MaxValue : ulong.MaxValue))
                max++;
        }
        var interval = (points[^1].StartNanoseconds - points[0].StartNanoseconds) / (ulong)(points.Count > 1 ? points.Count - 1 : 1);
        var (unitName, digits) = interval switch
        {
            >= 1_000_000_000 => ("", 0),
            >= 1_000_000 => ("ms", 3),
            >= 1_000 => ("μs", 6),
            _ => ("ns", 9),
        };
        var timeFormat = digits == 0 ? "hh:mm:ss" : "hh:mm:ss." + unitName;
        var timeSize = 8 + (digits == 0 ? 0 : 1 + digits);
        var ends = Decimal(min).PadRight(Padding) + Decimal(max).PadLeft(GraphWidth - Padding);
        var text = new StringBuilder();
        text.Append(' ', timeSize + 1).Append(ends).Append('\n');
        // The width is counted in bytes, as a C++ stream pads it ("μs" is three of them).
        text.Append(timeFormat).Append(' ', Math.Max(0, timeSize + 1 - Encoding.UTF8.GetByteCount(timeFormat)));
        text.Append('|').Append('_', GraphWidth - 2).Append("|\n");
        var zeroOffset = min < 0 && max > 0 ? (int)(GraphWidth * (float)(min) / (float)(min - max)) : 0;
        foreach (var point in points)
        {
            var line = new char[GraphWidth];
            Array.Fill(line, ' ');
            line[0] = '|';
            line[GraphWidth - 1] = '|';
            if (zeroOffset > 0)
                line[zeroOffset] = '.';
            text.Append(Time(point.StartNanoseconds, digits)).Append(' ');
            if (point.Value is { } value)
            {
                var offset = min == max ? GraphWidth / 2 : (int)((GraphWidth - 1) * (float)(min - Number(value)) / (float)(min - max));
                line[Math.Clamp(offset, 0, GraphWidth - 1)] = '*';
                text.Append(line).Append(' ').Append(value).Append('\n');
            }
            else
                text.Append(line).Append(" -\n");
        }
        text.Append(' ', timeSize + 1).Append('v').Append('_', GraphWidth - 2).Append("v\n");
        text.Append(' ', timeSize + 1).Append(ends).Append('\n');
        return text.ToString();
    }

    /// <summary>The intervals that hold a value: <c>[{"interval_start":"2026-12-05 10:41:46.700000000","value":3}]</c>, UTC.</summary>
    public static string Json(TimeSeriesValue series) =>
        "[" + string.Join(",", series.Points.Where(p => p.Value is not null).Select(p =>
            "{\"interval_start\":\"" + UtcText(p.StartNanoseconds) + "\",\"value\":" + p.Value + "}")) + "]";

    private static Int128 Number(IntegerValue value) => value.IsSigned ? value.Value : (ulong)value.Value;

    private static string Decimal(Int128 value) => value.ToString(CultureInfo.InvariantCulture);

    // Local time of day, then the fraction of the second to the interval's precision.
    private static string Time(ulong nanoseconds, int digits)
    {
        var utc = DateTime.UnixEpoch.AddTicks((long)(nanoseconds / 1_000_000_000 * TimeSpan.TicksPerSecond));
        var local = LocalTime.FromUtc(utc).DateTime;
        var text = local.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = nanoseconds % 1_000_000_000;
        return digits switch
        {
            3 => text + "." + (fraction / 1_000_000).ToString("D3", CultureInfo.InvariantCulture),
            6 => text + "." + (fraction / 1_000).ToString("D6", CultureInfo.InvariantCulture),
            9 => text + "." + fraction.ToString("D9", CultureInfo.InvariantCulture),
            _ => text,
        };
    }

    // The C++ library's form of a system-clock time: UTC, nanoseconds.
    private static string UtcText(ulong nanoseconds)
    {
        var utc = DateTime.UnixEpoch.AddTicks((long)(nanoseconds / 1_000_000_000 * TimeSpan.TicksPerSecond));
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "."
            + (nanoseconds % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);
    }
}
