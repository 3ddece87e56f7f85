using System.Text;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

/// <summary>
/// Turns script text into tokens, one at a time from any position, so the parser can re-read a range of text
/// in another mode (attach points are scanned as raw text, not as tokens).
/// </summary>
internal sealed class Lexer
{
    private readonly SourceText _source;

    public Lexer(SourceText source) => _source = source;

    /// <summary>All tokens of a text, ending with <see cref="TokenKind.EndOfFile"/>.</summary>
    public static IReadOnlyList<Token> Tokenize(SourceText source, DiagnosticBag diagnostics)
    {
        var lexer = new Lexer(source);
        var tokens = new List<Token>();
        var position = 0;
        while (true)
        {
            var token = lexer.Lex(position, diagnostics);
            tokens.Add(token);
            if (token.Kind == TokenKind.EndOfFile)
                return tokens;
            position = token.Span.End;
        }
    }

    private char At(int position) => position < _source.Length ? _source[position] : '\0';

    private static bool IsIdentifierStart(char c) => c is '_' or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');
    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c);

    /// <summary>Skips white space, comments and a <c>#!</c> line; returns the position of the next token.</summary>
    public int SkipTrivia(int position, DiagnosticBag diagnostics)
    {
        while (position < _source.Length)
        {
            var c = _source[position];
            if (char.IsWhiteSpace(c))
                position++;
            else if (c == '/' && At(position + 1) == '/')
                position = EndOfLine(position);
            else if (c == '/' && At(position + 1) == '*')
            {
                var end = _source.Text.IndexOf("*/", position + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    // bpftrace points at the comment's last line only.
                    var lastLineStart = _source.Text.LastIndexOf('\n', _source.Length - 1) + 1;
                    diagnostics.ReportUnterminatedComment(TextSpan.FromBounds(Math.Max(position, lastLineStart), _source.Length));
                    return _source.Length;
                }
                position = end + 2;
            }
            else if (c == '#' && At(position + 1) == '!' && (position == 0 || _source[position - 1] == '\n'))
                position = EndOfLine(position);
            else
                break;
        }
        return position;
    }

    /// <summary>
    /// Where bpftrace's lexer starts the location of the token at <paramref name="position"/>: only white space
    /// outside comments and strings (and a line break anywhere) starts a new location, so tokens and comments
    /// written together share one: in <c>@x=1+`</c> the bad character's location starts at <c>@</c>.
    /// </summary>
    public int StartOfRun(int position)
    {
        var runStart = 0;
        var i = 0;
        while (i < position)
        {
            var c = _source[i];
            if (char.IsWhiteSpace(c))
                runStart = ++i;
            else if (c == '/' && At(i + 1) == '/')
                i = EndOfLine(i);
            else if (c == '/' && At(i + 1) == '*')
            {
                var end = _source.Text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? _source.Length : end + 2;
                var lastBreak = _source.Text.LastIndexOf('\n', end - 1, end - i);
                if (lastBreak >= 0)
                    runStart = lastBreak + 1;
                i = end;
            }
            else if (c == '"')
            {
                i++;
                while (i < _source.Length && _source[i] is not ('"' or '\n'))
                    i += _source[i] == '\\' ? 2 : 1;
                i++;
            }
            else
                i++;
        }
        return Math.Min(runStart, position);
    }

    private int EndOfLine(int position)
    {
        var end = _source.Text.IndexOf('\n', position);
        return end < 0 ? _source.Length : end;
    }

    /// <summary>Lexes the token at or after <paramref name="position"/>.</summary>
    public Token Lex(int position, DiagnosticBag diagnostics)
    {
        var start = SkipTrivia(position, diagnostics);
        if (start >= _source.Length)
            return new Token(TokenKind.EndOfFile, new TextSpan(_source.Length, 0), "");

        var c = _source[start];
        if (char.IsAsciiDigit(c))
            return LexInteger(start, diagnostics);
        if (IsIdentifierStart(c))
        {
            var end = start + 1;
            while (IsIdentifierPart(At(end)))
                end++;
            var text = _source.Text[start..end];
            var kind = TokenFacts.Keywords.TryGetValue(text, out var keyword) ? keyword : TokenKind.Identifier;
            return new Token(kind, TextSpan.FromBounds(start, end), text);
        }
        switch (c)
        {
            case '"':
                return LexString(start, diagnostics);
            // "#!" is a comment at the start of a line (skipped above) and invalid anywhere else, as in bpftrace.
            case '#' when At(start + 1) != '!':
            {
                var end = EndOfLine(start);
                var text = _source.Text[start..end].TrimEnd('\r');
                return new Token(TokenKind.PreprocessorDirective, new TextSpan(start, text.Length), text);
            }
            case '@':
            {
                var end = start + 1;
                while (IsIdentifierPart(At(end)))
                    end++;
                return new Token(TokenKind.Map, TextSpan.FromBounds(start, end), _source.Text[start..end]);
            }
            case '$':
                return LexDollar(start, diagnostics);
        }
        foreach (var (text, kind) in TokenFacts.Operators)
            if (string.CompareOrdinal(_source.Text, start, text, 0, text.Length) == 0)
                return new Token(kind, new TextSpan(start, text.Length), text);

        var badLength = char.IsHighSurrogate(c) && char.IsLowSurrogate(At(start + 1)) ? 2 : 1;
        var bad = _source.Text.Substring(start, badLength);
        diagnostics.ReportInvalidCharacter(TextSpan.FromBounds(StartOfRun(start), start + badLength), bad);
        return new Token(TokenKind.BadToken, new TextSpan(start, badLength), bad);
    }

    private Token LexDollar(int start, DiagnosticBag diagnostics)
    {
        var next = At(start + 1);
        if (next == '#')
            return new Token(TokenKind.ParameterCount, new TextSpan(start, 2), "$#");
        var end = start + 1;
        if (char.IsAsciiDigit(next))
        {
            while (char.IsAsciiDigit(At(end)))
                end++;
            var text = _source.Text[start..end];
            var span = TextSpan.FromBounds(start, end);
            if (!ulong.TryParse(text.AsSpan(1), out var index) || index == 0 || index > int.MaxValue)
            {
                diagnostics.ReportInvalidPositionalParameter(span, text);
                index = 0;
            }
            return new Token(TokenKind.PositionalParameter, span, text, index);
        }
        if (IsIdentifierStart(next))
        {
            while (IsIdentifierPart(At(end)))
                end++;
            return new Token(TokenKind.Variable, TextSpan.FromBounds(start, end), _source.Text[start..end]);
        }
        diagnostics.ReportInvalidCharacter(new TextSpan(start, 1), "$");
        return new Token(TokenKind.BadToken, new TextSpan(start, 1), "$");
    }

    // Duration suffixes turn a literal into nanoseconds.
    private static readonly IReadOnlyDictionary<string, ulong> DurationSuffixes = new Dictionary<string, ulong>
    {
        ["ns"] = 1, ["us"] = 1_000, ["ms"] = 1_000_000, ["s"] = 1_000_000_000,
        ["m"] = 60_000_000_000, ["h"] = 3_600_000_000_000, ["d"] = 86_400_000_000_000,
    };

    // C integer suffixes are accepted for headers' sake and ignored, as bpftrace does.
    private static readonly HashSet<string> CSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "u", "l", "ul", "lu", "ll", "ull", "llu",
    };

    /// <summary>
    /// Decimal (with <c>_</c> separators), octal (leading 0), hex (0x), scientific (<c>2e3</c>),
    /// an optional C suffix (<c>UL</c>) or duration suffix (<c>ns us ms s m h d</c>).
    /// </summary>
    private Token LexInteger(int start, DiagnosticBag diagnostics)
    {
        var end = start;
        while (IsIdentifierPart(At(end)))
            end++;
        var span = TextSpan.FromBounds(start, end);
        var text = _source.Text[start..end];
        if (TryParseInteger(text, out var value, out var overflow))
            return new Token(TokenKind.Integer, span, text, value);
        if (overflow)
            diagnostics.ReportIntegerOutOfRange(span, text);
        else
            diagnostics.ReportInvalidInteger(span, text);
        return new Token(TokenKind.Integer, span, text, 0UL);
    }

    internal static bool TryParseInteger(string text, out ulong value, out bool overflow)
    {
        value = 0;
        overflow = false;
        if (text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        {
            var digits = 2;
            while (digits < text.Length && char.IsAsciiHexDigit(text[digits]))
                digits++;
            if (digits == 2 || (digits < text.Length && !CSuffixes.Contains(text[digits..])))
                return false;
            return Accumulate(text[2..digits], 16, 1, out value, out overflow);
        }

        var i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '_'))
            i++;
        var mantissa = text[..i];
        if (mantissa.EndsWith('_') || mantissa.Contains("__", StringComparison.Ordinal))
            return false;
        mantissa = mantissa.Replace("_", "", StringComparison.Ordinal);
        var multiplier = 1UL;
        var rest = text[i..];
        if (rest.Length > 1 && rest[0] is 'e' or 'E' && rest.Skip(1).All(char.IsAsciiDigit))
        {
            if (!int.TryParse(rest.AsSpan(1), out var exponent) || exponent > 19)
            {
                overflow = true;
                return false;
            }
            for (var e = 0; e < exponent; e++)
                multiplier *= 10;
            rest = "";
        }
        else if (rest.Length > 0)
        {
            if (DurationSuffixes.TryGetValue(rest, out var scale))
                multiplier = scale;
            else if (!CSuffixes.Contains(rest))
                return false;
        }

        var isOctal = mantissa.Length > 1 && mantissa[0] == '0';
        if (isOctal && mantissa.Any(ch => ch > '7'))
            return false;
        return Accumulate(isOctal ? mantissa[1..] : mantissa, isOctal ? 8UL : 10UL, multiplier, out value, out overflow);
    }

    private static bool Accumulate(string digits, ulong radix, ulong multiplier, out ulong value, out bool overflow)
    {
        value = 0;
        overflow = false;
        try
        {
            checked
            {
                foreach (var ch in digits)
                    value = value * radix + (ulong)Convert.ToInt32(ch.ToString(), 16);
                value *= multiplier;
            }
            return true;
        }
        catch (OverflowException)
        {
            overflow = true;
            value = 0;
            return false;
        }
    }

    private Token LexString(int start, DiagnosticBag diagnostics)
    {
        var position = start + 1;
        var value = ReadQuoted(ref position, diagnostics, start);
        var span = TextSpan.FromBounds(start, position);
        return new Token(TokenKind.String, span, _source.Text[start..position], value);
    }

    /// <summary>
    /// Reads a quoted string's body after its opening quote up to and including the closing quote, decoding escapes.
    /// <c>\xNN</c> and octal escapes above 0x7F stand for that byte, as in bpftrace: the character U+DC80..U+DCFF, which
    /// becomes the byte again when the literal is encoded (Output.RawText's convention; Syntax depends on no stage).
    /// </summary>
    private string ReadQuoted(ref int position, DiagnosticBag diagnostics, int start)
    {
        var sb = new StringBuilder();
        while (true)
        {
            if (position >= _source.Length || _source[position] == '\n')
            {
                diagnostics.ReportUnterminatedString(TextSpan.FromBounds(start, position));
                return sb.ToString();
            }
            var c = _source[position];
            if (c == '"')
            {
                position++;
                return sb.ToString();
            }
            if (c != '\\')
            {
                sb.Append(c);
                position++;
                continue;
            }
            var escapeStart = position;
            var e = At(position + 1);
            position += 2;
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case 'x' when char.IsAsciiHexDigit(At(position)):
                {
                    var digits = 0;
                    var code = 0;
                    while (digits < 2 && char.IsAsciiHexDigit(At(position)))
                    {
                        code = code * 16 + Convert.ToInt32(At(position).ToString(), 16);
                        position++;
                        digits++;
                    }
                    sb.Append(ByteEscape(code));
                    break;
                }
                case >= '0' and <= '7':
                {
                    var code = e - '0';
                    var digits = 1;
                    while (digits < 3 && At(position) is >= '0' and <= '7')
                    {
                        code = code * 8 + (At(position) - '0');
                        position++;
                        digits++;
                    }
                    sb.Append(ByteEscape(code & 0xFF));
                    break;
                }
                default:
                    if (position > _source.Length || e == '\n')
                    {
                        position = escapeStart + 1;
                        continue;
                    }
                    diagnostics.ReportInvalidEscape(TextSpan.FromBounds(StartOfRun(start), position), _source.Text[escapeStart..position]);
                    break;
            }
        }
    }

    // Providers whose first part is a file: uprobe, uretprobe and usdt, by any of their names ("name=" before them allowed).
    private static bool TakesPathTarget(string provider) =>
        provider[(provider.IndexOf('=', StringComparison.Ordinal) + 1)..] is "uprobe" or "u" or "uretprobe" or "ur" or "usdt" or "U";

    private static char ByteEscape(int code) => code < 0x80 ? (char)code : (char)(0xDC00 + code);

    /// <summary>
    /// Scans one attach point as raw text starting at <paramref name="position"/> (trivia already skipped):
    /// colon-separated parts, each possibly quoted. It ends at white space, <c>,</c> <c>{</c> <c>}</c> <c>;</c>
    /// <c>(</c> <c>)</c>, a comment outside a uprobe or usdt target, or a <c>/</c> outside a path part (so
    /// <c>BEGIN/pid/</c> has a predicate, while <c>uprobe:/bin/bash:readline</c> and <c>uprobe:/usr/lib/*/libc.so.6:malloc</c>
    /// keep their paths). Returns null if there is no attach point here (also at
    /// a <c>#</c>).
    /// </summary>
    public AttachPoint? ScanAttachPoint(ref int position, DiagnosticBag diagnostics)
    {
        var start = position;
        // No attach point starts with "#", as in bpftrace 0.17: "BEGIN,#!x" is an invalid character
        // and "BEGIN,#x" a preprocessor directive. Taken as an attach point, "#!x" would read back as a comment when
        // it starts a line ("#!" is a shebang there), as the unparser writes each attach point.
        if (At(position) == '#')
            return null;
        var parts = new List<string>();
        var part = new StringBuilder();
        while (position < _source.Length)
        {
            var c = _source[position];
            if (char.IsWhiteSpace(c) || c is ',' or '{' or '}' or ';' or '(' or ')')
                break;
            // A "/" belongs to a path part ("uprobe:/bin/bash:f", "uprobe:./a.out:f", and a uprobe or usdt target
            // relative without "./", "uprobe:testprogs/prog:f", as the newest bpftrace reads it); anywhere else it
            // starts the predicate, so "kprobe:f/pid/" and "BEGIN/pid/" have one.
            if (c == '/' && (part.Length == 0 ? parts.Count == 0 : part[0] is not ('/' or '.'))
                && !(parts.Count == 1 && part.Length > 0 && TakesPathTarget(parts[0])))
                break;
            // Nor does a comment start in a uprobe or usdt target ("uprobe:/usr/lib/*/libc.so.6:malloc"), as the
            // newest bpftrace reads it: there "/*" and "//" are path text.
            if (c == '/' && At(position + 1) is '/' or '*' && !(parts.Count == 1 && TakesPathTarget(parts[0])))
                break;
            if (c == ':')
            {
                parts.Add(part.ToString());
                part.Clear();
                position++;
            }
            else if (c == '"')
            {
                var quoteStart = position;
                position++;
                part.Append(ReadQuoted(ref position, diagnostics, quoteStart));
            }
            else
            {
                part.Append(c);
                position++;
            }
        }
        if (position == start)
            return null;
        parts.Add(part.ToString());
        var span = TextSpan.FromBounds(start, position);
        // "name=kprobe:f": bpftrace's reserved probe name goes before the provider.
        var provider = parts[0];
        var equals = provider.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? null : provider[..equals];
        return new AttachPoint(span, _source.ToString(span), provider[(equals + 1)..], parts.Skip(1).ToArray(), name);
    }
}
