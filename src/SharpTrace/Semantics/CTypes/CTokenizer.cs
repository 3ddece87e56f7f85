using SharpTrace.Syntax;

namespace SharpTrace.Semantics.CTypes;

internal enum CTokenKind { Identifier, Number, String, Punctuation, End }

/// <summary>A token of C declaration text; the span is in the script's source, so errors point at the script.</summary>
internal readonly record struct CToken(CTokenKind Kind, string Text, ulong Value, TextSpan Span)
{
    public bool Is(string text) => Kind is CTokenKind.Punctuation or CTokenKind.Identifier && Text == text;
}

/// <summary>Splits C text (a struct definition, a <c>#define</c> value) into tokens; comments are skipped.</summary>
internal static class CTokenizer
{
    private static readonly string[] Punctuators =
        ["...", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->", "{", "}", "(", ")", "[", "]", ";", ",", ":", "*", "=",
         "+", "-", "/", "%", "&", "|", "^", "~", "!", "<", ">", "?", ".", "#"];

    /// <summary>
    /// The tokens of <paramref name="text"/>, which starts at <paramref name="start"/> in the script, ending with an
    /// End token; null (with the error reported) if a character is not C.
    /// </summary>
    public static List<CToken>? Tokenize(string text, int start, DiagnosticBag diagnostics)
    {
        var tokens = new List<CToken>();
        var i = 0;
        while (true)
        {
            i = SkipTrivia(text, i);
            if (i >= text.Length)
                break;
            var begin = i;
            var c = text[i];
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                    i++;
                tokens.Add(new CToken(CTokenKind.Identifier, text[begin..i], 0, new TextSpan(start + begin, i - begin)));
            }
            else if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                    i++;
                var literal = text[begin..i];
                var span = new TextSpan(start + begin, i - begin);
                if (ParseInteger(literal) is not { } value)
                {
                    diagnostics.ReportInvalidCInteger(span, literal);
                    return null;
                }
                tokens.Add(new CToken(CTokenKind.Number, literal, value, span));
            }
            else if (c is '"' or '\'')
            {
                i++;
                while (i < text.Length && text[i] != c && text[i] != '\n')
                    i += text[i] == '\\' && i + 1 < text.Length ? 2 : 1;
                var span = TextSpan.FromBounds(start + begin, start + Math.Min(i + 1, text.Length));
                if (i >= text.Length || text[i] != c)
                {
                    diagnostics.ReportUnterminatedCLiteral(span);
                    return null;
                }
                i++;
                var literal = text[begin..i];
                if (c == '"')
                    tokens.Add(new CToken(CTokenKind.String, literal, 0, span));
                else
                    tokens.Add(new CToken(CTokenKind.Number, literal, CharacterValue(literal), span));
            }
            else if (Array.Find(Punctuators, p => string.CompareOrdinal(text, i, p, 0, p.Length) == 0) is { } punctuator)
            {
                i += punctuator.Length;
                tokens.Add(new CToken(CTokenKind.Punctuation, punctuator, 0, new TextSpan(start + begin, punctuator.Length)));
            }
            else
            {
                diagnostics.ReportInvalidCCharacter(new TextSpan(start + begin, 1), c.ToString());
                return null;
            }
        }
        tokens.Add(new CToken(CTokenKind.End, "end of definition", 0, new TextSpan(start + text.Length, 0)));
        return tokens;
    }

    private static int SkipTrivia(string text, int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
                i++;
            else if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '\n')
                i += 2;
            else if (string.CompareOrdinal(text, i, "//", 0, 2) == 0)
                i = text.IndexOf('\n', i) is var end and >= 0 ? end : text.Length;
            else if (string.CompareOrdinal(text, i, "/*", 0, 2) == 0)
                i = text.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : text.Length;
            else
                break;
        }
        return i;
    }

    /// <summary>A C integer literal (decimal, 0x hex, 0b binary, 0 octal, with u/l suffixes); null if malformed.</summary>
    public static ulong? ParseInteger(string literal)
    {
        var digits = literal.TrimEnd('u', 'U', 'l', 'L');
        var (radix, body) = digits switch
        {
            _ when digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase) => (16, digits[2..]),
            _ when digits.StartsWith("0b", StringComparison.OrdinalIgnoreCase) => (2, digits[2..]),
            _ when digits.Length > 1 && digits[0] == '0' => (8, digits[1..]),
            _ => (10, digits),
        };
        if (body.Length == 0)
            return null;
        ulong value = 0;
        foreach (var ch in body)
        {
            var digit = char.IsAsciiDigit(ch) ? ch - '0' : char.IsAsciiLetter(ch) ? char.ToLowerInvariant(ch) - 'a' + 10 : 99;
            if (digit >= radix)
                return null;
            try
            {
                value = checked(value * (ulong)radix + (ulong)digit);
            }
            catch (OverflowException)
            {
                return null;
            }
        }
        return value;
    }

    private static ulong CharacterValue(string literal)
    {
        var body = literal[1..^1];
        if (body.Length == 0)
            return 0;
        if (body[0] != '\\')
            return body[0];
        return body.Length < 2 ? 0 : body[1] switch
        {
            'n' => '\n', 't' => '\t', 'r' => '\r', '0' => 0u, 'a' => 7u, 'b' => 8u, 'f' => 12u, 'v' => 11u, var other => other,
        };
    }
}
