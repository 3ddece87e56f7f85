using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>What a printf conversion takes: an integer (<c>%d %u %x %c %p</c> ...), a string (<c>%s</c>) or a buffer (<c>%r</c>).</summary>
internal enum PrintfArgumentKind { Integer, String, Buffer }

/// <summary>One conversion of a printf format string, such as <c>%-8lld</c> at <paramref name="Offset"/>.</summary>
/// <param name="Offset">Where the <c>%</c> is in the format string.</param>
/// <param name="Text">The conversion as written, from <c>%</c> to the conversion letter.</param>
/// <param name="Flags">Any of <c>-</c>, <c>0</c>, <c>+</c>, space and <c>#</c>.</param>
/// <param name="Width">The minimum field width, if given.</param>
/// <param name="Precision">The precision after <c>.</c>, if given (<c>%.s</c> means 0).</param>
/// <param name="Length">The length modifier: "", <c>hh</c>, <c>h</c>, <c>l</c>, <c>ll</c>, <c>j</c>, <c>z</c> or <c>t</c>.</param>
/// <param name="Conversion">The conversion letter: one of <c>d i u x X o c p s r</c>, or <c>g</c> of <c>%gr</c>.</param>
/// <param name="BufferStyle">For <c>%r</c>: "" (printable bytes as they are), <c>x</c> (<c>%rx</c>, every byte
/// <c>\xNN</c>) or <c>h</c> (<c>%rh</c>, hex digits separated by spaces); <c>r</c> for <c>%gr</c> (GFP flags).</param>
internal sealed record PrintfConversion(
    int Offset, string Text, string Flags, int? Width, int? Precision, string Length, char Conversion, string BufferStyle = "")
{
    /// <summary>The conversion as bpftrace names it in messages: length and letter, such as <c>lld</c> or <c>rx</c>.</summary>
    public string Token => Length + Conversion + BufferStyle;

    /// <summary>What the argument of this conversion must be.</summary>
    public PrintfArgumentKind ArgumentKind => Conversion switch
    {
        's' => PrintfArgumentKind.String,
        'r' => PrintfArgumentKind.Buffer,
        _ => PrintfArgumentKind.Integer,
    };

    internal bool HasFlag(char flag) => Flags.Contains(flag);
}

/// <summary>
/// A parsed printf format string: literal text and conversions. The compiler parses it once to check the
/// arguments (Semantics.PrintfChecker); the runtime formats each event's arguments with it, in user space, with C's rules.
/// </summary>
/// <remarks>
/// Integer conversions follow C (and so bpftrace 0.17, which calls snprintf): without a length modifier <c>%d</c>
/// and <c>%u</c> print the low 32 bits, <c>h</c> 16 bits, <c>hh</c> 8 bits, <c>l ll j z t</c> all 64.
/// A <c>%</c> that does not start a valid conversion is printed as it is, as bpftrace does.
/// </remarks>
internal sealed class PrintfFormat
{
    private const string ConversionLetters = "diuxXocpsr";

    // Literal text (string) and conversions (PrintfConversion), in order.
    private readonly IReadOnlyList<object> pieces;

    private PrintfFormat(string text, IReadOnlyList<object> pieces)
    {
        Text = text;
        this.pieces = pieces;
        Conversions = pieces.OfType<PrintfConversion>().ToList();
    }

    /// <summary>The format string as written in the script (escapes already decoded).</summary>
    public string Text { get; }

    /// <summary>The conversions, one per argument, in order.</summary>
    public IReadOnlyList<PrintfConversion> Conversions { get; }

    /// <summary>Splits a format string into literal text and conversions. Never fails: see the remarks on the class.</summary>
    public static PrintfFormat Parse(string format)
    {
        var pieces = new List<object>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < format.Length)
        {
            if (format[i] != '%')
            {
                literal.Append(format[i++]);
                continue;
            }
            if (i + 1 < format.Length && format[i + 1] == '%')
            {
                literal.Append('%');
                i += 2;
                continue;
            }
            if (TryParseConversion(format, i, out var conversion))
            {
                if (literal.Length > 0)
                    pieces.Add(literal.ToString());
                literal.Clear();
                pieces.Add(conversion);
                i += conversion.Text.Length;
                continue;
            }
            literal.Append(format[i++]);
        }
        if (literal.Length > 0)
            pieces.Add(literal.ToString());
        return new PrintfFormat(format, pieces);
    }

    /// <summary>Formats one event's arguments, one per conversion.</summary>
    public string Format(IReadOnlyList<RuntimeValue> args)
    {
        if (args.Count != Conversions.Count)
            throw new ArgumentException($"The format has {Conversions.Count} conversions but {args.Count} arguments were given.", nameof(args));
        var text = new StringBuilder();
        var next = 0;
        foreach (var piece in pieces)
        {
            if (piece is PrintfConversion conversion)
                text.Append(FormatOne(conversion, args[next++]));
            else
                text.Append((string)piece);
        }
        return text.ToString();
    }

    private static bool TryParseConversion(string format, int start, out PrintfConversion conversion)
    {
        conversion = null!;
        var i = start + 1;
        var flagsStart = i;
        while (i < format.Length && "-0+ #".Contains(format[i]))
            i++;
        var flags = format[flagsStart..i];
        int? width = ReadNumber(format, ref i);
        int? precision = null;
        if (i < format.Length && format[i] == '.')
        {
            i++;
            precision = ReadNumber(format, ref i) ?? 0;
        }
        var length = "";
        foreach (var candidate in new[] { "hh", "h", "ll", "l", "j", "z", "t" })
        {
            if (string.CompareOrdinal(format, i, candidate, 0, candidate.Length) == 0)
            {
                length = candidate;
                i += candidate.Length;
                break;
            }
        }
        // %gr: an integer as GFP flags, the newest bpftrace's own conversion (its %g alone is no conversion).
        var gfp = string.CompareOrdinal(format, i, "gr", 0, 2) == 0;
        if (i >= format.Length || !(gfp || ConversionLetters.Contains(format[i])))
            return false;
        var letter = format[i];
        if (length.Length > 0 && (letter is 'c' or 's' or 'r'))
            return false;
        var style = gfp ? "r" : letter == 'r' && i + 1 < format.Length && format[i + 1] is 'x' or 'h' ? format[i + 1].ToString() : "";
        i += style.Length;
        conversion = new PrintfConversion(start, format[start..(i + 1)], flags, width, precision, length, letter, style);
        return true;
    }

    private static int? ReadNumber(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
            i++;
        if (i == start)
            return null;
        // A number past int's range saturates: the checker rejects widths that large before anything runs.
        return int.TryParse(format.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : int.MaxValue;
    }

    private static string FormatOne(PrintfConversion c, RuntimeValue arg)
    {
        if (c.ArgumentKind == PrintfArgumentKind.Buffer)
            return FormatBuffer(c, arg);
        if (c.ArgumentKind != PrintfArgumentKind.Integer)
        {
            if (arg is not StringValue str)
            {
                // Any other value prints as print() shows it (the newest bpftrace's %s), whole: a precision cuts strings only.
                return Pad(c, "", TextOutputWriter.FormatValue(arg), zeroPad: false);
            }
            var s = str.Value;
            if (c.Precision is { } max && s.Length > max)
                s = s[..max];
            return Pad(c, "", s, zeroPad: false);
        }

        var raw = ToInteger(arg);
        switch (c.Conversion)
        {
            case 'g':
                return Pad(c, "", GfpFlags.Format((ulong)raw), zeroPad: c.HasFlag('0') && !c.HasFlag('-'));
            case 'c':
                return Pad(c, "", ((char)(byte)raw).ToString(), zeroPad: false);
            case 'p':
                // glibc prints a null pointer as "(nil)" and others as %#lx.
                return raw == 0
                    ? Pad(c, "", "(nil)", zeroPad: false)
                    : Pad(c, "0x", Digits(c, (ulong)raw, 16), zeroPad: c.HasFlag('0') && c.Precision is null);
        }

        var bits = c.Length switch { "" => 32, "h" => 16, "hh" => 8, _ => 64 };
        var prefix = "";
        ulong magnitude;
        if (c.Conversion is 'd' or 'i')
        {
            var value = bits == 64 ? raw : (raw << (64 - bits)) >> (64 - bits);
            magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
            prefix = value < 0 ? "-" : c.HasFlag('+') ? "+" : c.HasFlag(' ') ? " " : "";
        }
        else
        {
            magnitude = bits == 64 ? (ulong)raw : (ulong)raw & ((1UL << bits) - 1);
        }

        var radix = c.Conversion switch { 'x' or 'X' => 16, 'o' => 8, _ => 10 };
        var digits = Digits(c, magnitude, radix);
        if (c.HasFlag('#'))
        {
            if (radix == 16 && magnitude != 0)
                prefix = c.Conversion == 'X' ? "0X" : "0x";
            else if (radix == 8 && !digits.StartsWith('0'))
                digits = "0" + digits;
        }
        return Pad(c, prefix, digits, zeroPad: c.HasFlag('0') && c.Precision is null);
    }

    // bpftrace 0.17 hands %r with flags, width or precision to snprintf unchanged, which prints it as written.
    private static string FormatBuffer(PrintfConversion c, RuntimeValue arg)
    {
        if (c.Flags.Length > 0 || c.Width is not null || c.Precision is not null)
            return c.Text;
        if (arg is not BufferValue buffer)
            return TextOutputWriter.FormatValue(arg);
        return c.BufferStyle switch
        {
            "x" => buffer.ToEscapedHex(),
            "h" => buffer.ToSpacedHex(),
            _ => buffer.ToString(),
        };
    }

    // The digits of a number with C's precision rule: at least Precision digits, and none for zero at precision 0.
    private static string Digits(PrintfConversion c, ulong magnitude, int radix)
    {
        var digits = radix switch
        {
            16 => magnitude.ToString(c.Conversion == 'X' ? "X" : "x", CultureInfo.InvariantCulture),
            8 => Convert.ToString((long)magnitude, 8),
            _ => magnitude.ToString(CultureInfo.InvariantCulture),
        };
        if (c.Precision is { } precision)
        {
            if (precision == 0 && magnitude == 0)
                return "";
            digits = digits.PadLeft(precision, '0');
        }
        return digits;
    }

    // Width padding: spaces on the left, or on the right with '-', or zeros between sign/prefix and digits with '0'.
    private static string Pad(PrintfConversion c, string prefix, string body, bool zeroPad)
    {
        var width = c.Width ?? 0;
        var length = prefix.Length + body.Length;
        if (length >= width)
            return prefix + body;
        if (c.HasFlag('-'))
            return prefix + body + new string(' ', width - length);
        if (zeroPad)
            return prefix + new string('0', width - length) + body;
        return new string(' ', width - length) + prefix + body;
    }

    private static long ToInteger(RuntimeValue arg) => arg switch
    {
        IntegerValue i => i.Value,
        BooleanValue b => b.Value ? 1 : 0,
        SymbolicValue { IsEnum: true } e => (long)e.Number,
        CountValue c => (long)c.Value,
        SumValue s => s.Value,
        MinValue m => m.Value,
        MaxValue m => m.Value,
        AvgValue a => a.Average,
        _ => throw new ArgumentException($"printf expects an integer, not {arg.GetType().Name}.", nameof(arg)),
    };
}

/// <summary>printf formatting in user space, as the runtime does it for each printf event.</summary>
internal static class PrintfFormatter
{
    /// <summary>Formats <paramref name="args"/> with a C printf <paramref name="format"/> (see <see cref="PrintfFormat"/>).</summary>
    public static string Format(string format, IReadOnlyList<RuntimeValue> args) => PrintfFormat.Parse(format).Format(args);
}
