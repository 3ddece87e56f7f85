using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>
/// strftime(3) as glibc does it in the C locale, for <c>time(fmt)</c> and <c>strftime(fmt, ns)</c>: the GNU flags
/// (<c>-</c>, <c>_</c>, <c>0</c>, <c>^</c>, <c>#</c>), a field width, the <c>E</c> and <c>O</c> modifiers (no effect in
/// the C locale), and bpftrace's <c>%f</c> (microseconds). An unknown conversion is kept as written, as glibc does.
/// </summary>
internal static class StrftimeFormat
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>The local wall-clock time now, as bpftrace's <c>time()</c> formats it.</summary>
    public static string FormatNow(string format) => Format(format, LocalTime.Now());

    /// <summary>
    /// Formats <paramref name="time"/> (its zone name is what <c>%Z</c> prints). <paramref name="microseconds"/>: a plain
    /// <c>%f</c> is the microseconds, as in bpftrace's strftime() (its time() leaves <c>%f</c> to glibc, which keeps it).
    /// </summary>
    public static string Format(string format, LocalTime time, bool microseconds = false)
    {
        var output = new StringBuilder();
        var i = 0;
        while (i < format.Length)
        {
            if (format[i] != '%')
            {
                output.Append(format[i++]);
                continue;
            }
            var start = i++;
            char? pad = null;
            var upper = false;
            var swapCase = false;
            for (; i < format.Length && format[i] is '-' or '_' or '0' or '^' or '#'; i++)
            {
                switch (format[i])
                {
                    case '^': upper = true; break;
                    case '#': swapCase = true; break;
                    default: pad = format[i]; break;
                }
            }
            var width = 0;
            for (; i < format.Length && char.IsAsciiDigit(format[i]); i++)
                width = Math.Min(width * 10 + format[i] - '0', 1024);
            if (i < format.Length && format[i] is 'E' or 'O')
                i++;
            var plainMicroseconds = microseconds && i == start + 1 && i < format.Length && format[i] == 'f';
            if (i >= format.Length || (format[i] == 'f' && !plainMicroseconds) || Convert(format[i], time) is not { } field)
            {
                // glibc copies an unknown or unfinished conversion as it was written.
                var end = Math.Min(i + 1, format.Length);
                output.Append(format, start, end - start);
                i = end;
                continue;
            }
            var conversion = format[i++];
            // '#' swaps the case glibc's way: names up, "PM" and the zone down.
            if (upper || (swapCase && conversion is 'a' or 'A' or 'b' or 'B' or 'h'))
                field = field with { Text = field.Text.ToUpperInvariant() };
            else if (swapCase && conversion is 'p' or 'Z')
                field = field with { Text = field.Text.ToLowerInvariant() };
            output.Append(Pad(field, pad, width));
        }
        return output.ToString();
    }

    /// <summary>A converted field: its text and how glibc pads it by default ('0', ' ', or none for text).</summary>
    private readonly record struct Field(string Text, char? DefaultPad = null, int DefaultWidth = 0);

    private static string Pad(Field field, char? flag, int width)
    {
        var text = field.Text;
        var negative = text.StartsWith('-') && field.DefaultPad is not null;
        var digits = negative ? text[1..] : text;
        if (field.DefaultPad is { } defaultPad)
        {
            // The default padding is part of the number: "%e" is " 4"; "%-e" strips it, "%0e" makes it "04".
            digits = digits.TrimStart(' ');
            if (flag != '-')
            {
                var padding = flag is '_' ? ' ' : flag is '0' ? '0' : defaultPad;
                var digitsWidth = Math.Max(width > 0 ? width - (negative ? 1 : 0) : field.DefaultWidth, 0);
                digits = padding == '0' ? digits.PadLeft(digitsWidth, '0') : digits.PadLeft(digitsWidth);
            }
            text = negative ? "-" + digits : digits;
            // A width pads even under '-' (with spaces), as glibc does.
            return text.PadLeft(width);
        }
        if (width <= text.Length)
            return text;
        return text.PadLeft(width, flag == '0' ? '0' : ' ');
    }

    private static Field Number(long value, int width, char pad = '0') =>
        new(value.ToString(CultureInfo.InvariantCulture), pad, width);

    private static Field? Convert(char conversion, LocalTime t)
    {
        var d = t.DateTime;
        var hour12 = d.Hour % 12 == 0 ? 12 : d.Hour % 12;
        return conversion switch
        {
            'a' => new Field(Days[(int)d.DayOfWeek][..3]),
            'A' => new Field(Days[(int)d.DayOfWeek]),
            'b' or 'h' => new Field(Months[d.Month - 1][..3]),
            'B' => new Field(Months[d.Month - 1]),
            'c' => new Field(Format("%a %b %e %H:%M:%S %Y", t)),
            'C' => Number(d.Year / 100, 2),
            'd' => Number(d.Day, 2),
            'D' or 'x' => new Field(Format("%m/%d/%y", t)),
            'e' => Number(d.Day, 2, ' '),
            'f' => Number(d.Ticks % TimeSpan.TicksPerSecond / 10, 6),
            'F' => new Field(Format("%Y-%m-%d", t)),
            'g' => Number(ISOWeek.GetYear(d) % 100, 2),
            'G' => Number(ISOWeek.GetYear(d), 1),
            'H' => Number(d.Hour, 2),
            'I' => Number(hour12, 2),
            'j' => Number(d.DayOfYear, 3),
            'k' => Number(d.Hour, 2, ' '),
            'l' => Number(hour12, 2, ' '),
            'm' => Number(d.Month, 2),
            'M' => Number(d.Minute, 2),
            'n' => new Field("\n"),
            'p' => new Field(d.Hour < 12 ? "AM" : "PM"),
            'P' => new Field(d.Hour < 12 ? "am" : "pm"),
            'r' => new Field(Format("%I:%M:%S %p", t)),
            'R' => new Field(Format("%H:%M", t)),
            's' => Number((long)Math.Floor((d - t.UtcOffset - DateTime.UnixEpoch).TotalSeconds), 1),
            'S' => Number(d.Second, 2),
            't' => new Field("\t"),
            'T' or 'X' => new Field(Format("%H:%M:%S", t)),
            'u' => Number(d.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)d.DayOfWeek, 1),
            'U' => Number((d.DayOfYear + 6 - (int)d.DayOfWeek) / 7, 2),
            'V' => Number(ISOWeek.GetWeekOfYear(d), 2),
            'w' => Number((int)d.DayOfWeek, 1),
            'W' => Number((d.DayOfYear + 6 - ((int)d.DayOfWeek + 6) % 7) / 7, 2),
            'y' => Number(d.Year % 100, 2),
            'Y' => Number(d.Year, 1),
            'z' => new Field(ZoneOffset(t.UtcOffset)),
            'Z' => new Field(t.ZoneName),
            '%' => new Field("%"),
            _ => null,
        };
    }

    private static string ZoneOffset(TimeSpan offset)
    {
        var minutes = (int)Math.Round(offset.TotalMinutes);
        var sign = minutes < 0 ? '-' : '+';
        minutes = Math.Abs(minutes);
        return $"{sign}{minutes / 60:D2}{minutes % 60:D2}";
    }
}

/// <summary>A local wall-clock time with its offset from UTC and its zone's abbreviation (<c>%Z</c>).</summary>
internal readonly record struct LocalTime(DateTime DateTime, TimeSpan UtcOffset, string ZoneName)
{
    /// <summary>Now, in the machine's local zone.</summary>
    public static LocalTime Now() => FromUtc(DateTime.UtcNow);

    /// <summary>A UTC instant in the machine's local zone.</summary>
    public static LocalTime FromUtc(DateTime utc)
    {
        var zone = TimeZoneInfo.Local;
        var offset = zone.GetUtcOffset(utc);
        return new LocalTime(DateTime.SpecifyKind(utc + offset, DateTimeKind.Unspecified), offset,
            ZoneAbbreviations.Local.NameFor(zone.IsDaylightSavingTime(utc), offset));
    }
}

/// <summary>
/// The abbreviations glibc prints for <c>%Z</c> ("UTC", "CET", "CEST"): .NET does not expose them, so they are read
/// from the POSIX TZ rule (the TZ variable, or the rule at the end of the zone's TZif file).
/// </summary>
internal sealed record ZoneAbbreviations(string? Standard, string? Daylight)
{
    private static readonly Lazy<ZoneAbbreviations> LocalZone = new(Read);

    /// <summary>The machine's zone, read once: it is configuration, like the zone .NET caches in <see cref="TimeZoneInfo.Local"/>.</summary>
    public static ZoneAbbreviations Local => LocalZone.Value;

    public string NameFor(bool daylight, TimeSpan offset) =>
        (daylight ? Daylight ?? Standard : Standard) ?? (offset == TimeSpan.Zero ? "UTC" : ZoneOffsetName(offset));

    private static string ZoneOffsetName(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(offset.Minutes == 0 ? "hh" : "hhmm", CultureInfo.InvariantCulture);

    private static ZoneAbbreviations Read()
    {
        try
        {
            var tz = Environment.GetEnvironmentVariable("TZ");
            if (tz is null)
                return FromTzif("/etc/localtime");
            if (tz.Length == 0)
                return new ZoneAbbreviations("UTC", null);
            tz = tz.TrimStart(':');
            var path = tz.StartsWith('/') ? tz : Path.Combine("/usr/share/zoneinfo", tz);
            return File.Exists(path) ? FromTzif(path) : Parse(tz);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ZoneAbbreviations(null, null);
        }
    }

    /// <summary>A TZif file of version 2 or later ends with "\n" + POSIX TZ rule + "\n".</summary>
    private static ZoneAbbreviations FromTzif(string path)
    {
        if (!File.Exists(path))
            return new ZoneAbbreviations("UTC", null); // glibc's default without zone data
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 2 || bytes[^1] != '\n')
            return new ZoneAbbreviations(null, null);
        var start = Array.LastIndexOf(bytes, (byte)'\n', bytes.Length - 2);
        return start < 0 ? new ZoneAbbreviations(null, null) : Parse(Encoding.ASCII.GetString(bytes, start + 1, bytes.Length - start - 2));
    }

    /// <summary>Reads the names of a POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3" or "&lt;+0530&gt;-5:30".</summary>
    internal static ZoneAbbreviations Parse(string rule)
    {
        var i = 0;
        var standard = Name(rule, ref i);
        while (i < rule.Length && (char.IsAsciiDigit(rule[i]) || rule[i] is '+' or '-' or ':'))
            i++;
        var daylight = Name(rule, ref i);
        return new ZoneAbbreviations(standard, daylight);
    }

    private static string? Name(string rule, ref int i)
    {
        if (i < rule.Length && rule[i] == '<')
        {
            var end = rule.IndexOf('>', i);
            if (end < 0)
                return null;
            var quoted = rule[(i + 1)..end];
            i = end + 1;
            return quoted;
        }
        var start = i;
        while (i < rule.Length && char.IsAsciiLetter(rule[i]))
            i++;
        return i - start >= 3 ? rule[start..i] : null;
    }
}
