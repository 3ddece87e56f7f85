using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>
/// Demangles Rust symbol names as <c>rustfilt</c> prints them (without the hashes): the legacy scheme, an Itanium-like
/// path ending in a hash (<c>_ZN3std2rt10lang_start17h0123456789abcdefE</c>: <c>std::rt::lang_start</c>), and the v0
/// scheme (<c>_RNvCs1234_7mycrate4main</c>: <c>mycrate::main</c>) with its generic arguments, impls, closures,
/// types, constants and back-references. A name it cannot read whole is not Rust's (null).
/// </summary>
internal sealed class RustDemangler
{
    private const int MaxDepth = 200;

    private readonly string _text;
    private int _position;
    private int _depth;
    private int _boundLifetimes;

    private RustDemangler(string text, int position) => (_text, _position) = (text, position);

    /// <summary>The demangled form of <paramref name="symbol"/>, or null when it is no Rust name this demangler reads whole.</summary>
    public static string? Demangle(string symbol)
    {
        // A suffix the compiler or LLVM added after a dot (".llvm.1234", ".0", ".cold") is left out, as c++filt does.
        try
        {
            if (symbol.StartsWith("_ZN", StringComparison.Ordinal))
                return Legacy(symbol);
            if (!symbol.StartsWith("_R", StringComparison.Ordinal))
                return null;
            var dot = symbol.IndexOf('.', StringComparison.Ordinal);
            return V0(dot > 0 ? symbol[..dot] : symbol);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    // --- legacy: _ZN {<length><identifier>} 17h<16 hex digits> E ------------------------------------------------

    private static string? Legacy(string name)
    {
        var parts = new List<string>();
        var position = 3;
        while (position < name.Length && name[position] != 'E')
        {
            var start = position;
            while (position < name.Length && char.IsAsciiDigit(name[position]))
                position++;
            if (start == position)
                return null;
            var length = int.Parse(name.AsSpan(start, position - start), CultureInfo.InvariantCulture);
            if (length == 0 || position + length > name.Length)
                return null;
            parts.Add(name.Substring(position, length));
            position += length;
        }
        // The hash element tells a Rust name from a C++ one; a suffix (".cold") may follow the E.
        if (position >= name.Length || (position + 1 < name.Length && name[position + 1] != '.') || parts.Count < 2 || !IsHash(parts[^1]))
            return null;
        var decoded = new List<string>();
        foreach (var part in parts.SkipLast(1))
            decoded.Add(Unescape(part) ?? throw new FormatException());
        return string.Join("::", decoded);
    }

    private static bool IsHash(string part) => part.Length == 17 && part[0] == 'h' && part.Skip(1).All(char.IsAsciiHexDigitLower);

    /// <summary>A legacy identifier with its <c>$..$</c> escapes and <c>..</c> (for <c>::</c>) decoded; null for an unknown escape.</summary>
    private static string? Unescape(string part)
    {
        var text = new StringBuilder();
        var i = part.StartsWith("_$", StringComparison.Ordinal) ? 1 : 0;
        while (i < part.Length)
        {
            if (part[i] == '$')
            {
                var end = part.IndexOf('$', i + 1);
                if (end < 0 || Escape(part[(i + 1)..end]) is not { } decoded)
                    return null;
                text.Append(decoded);
                i = end + 1;
            }
            else if (part[i] == '.' && i + 1 < part.Length && part[i + 1] == '.')
            {
                text.Append("::");
                i += 2;
            }
            else
                text.Append(part[i++]);
        }
        return text.ToString();
    }

    private static string? Escape(string code) => code switch
    {
        "SP" => "@",
        "BP" => "*",
        "RF" => "&",
        "LT" => "<",
        "GT" => ">",
        "LP" => "(",
        "RP" => ")",
        "C" => ",",
        _ when code.Length > 1 && code[0] == 'u' && uint.TryParse(code.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var c)
            && c < 0x110000 && !char.IsControl((char)Math.Min(c, 0xffff)) => char.ConvertFromUtf32((int)c),
        _ => null,
    };

    // --- v0: _R [<decimal>] <path> [<instantiating crate>] ----------------------------------------------------------

    private static string? V0(string name)
    {
        var demangler = new RustDemangler(name, 2);
        // An encoding version: only 0 (no digits) exists.
        if (char.IsAsciiDigit(demangler.Peek()))
            return null;
        var text = new StringBuilder();
        demangler.Path(text, inValue: true);
        // The crate that instantiated a generic function is not printed.
        if (demangler._position < name.Length && char.IsAsciiLetterUpper(demangler.Peek()))
            demangler.Path(new StringBuilder(), inValue: true);
        return demangler._position == name.Length ? text.ToString() : null;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private char Next() => _position < _text.Length ? _text[_position++] : throw new FormatException();

    private bool Take(char c)
    {
        if (Peek() != c)
            return false;
        _position++;
        return true;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
            throw new FormatException();
    }

    /// <summary>
    /// A path: <paramref name="inValue"/> is whether it names a value (<c>f::&lt;T&gt;</c>, with the turbofish) or a type
    /// (<c>Vec&lt;T&gt;</c>).
    /// </summary>
    private void Path(StringBuilder text, bool inValue)
    {
        Enter();
        switch (Next())
        {
            case 'C':
                Disambiguator();
                text.Append(Identifier());
                break;
            case 'N':
            {
                var ns = Next();
                if (!char.IsAsciiLetter(ns))
                    throw new FormatException();
                Path(text, inValue);
                var disambiguator = Disambiguator();
                var name = Identifier();
                if (char.IsAsciiLetterUpper(ns))
                {
                    // Special namespaces: closures, shims and the like, with their index.
                    var kind = ns switch { 'C' => "closure", 'S' => "shim", _ => ns.ToString() };
                    text.Append("::{").Append(kind);
                    if (name.Length > 0)
                        text.Append(':').Append(name);
                    text.Append('#').Append(disambiguator.ToString(CultureInfo.InvariantCulture)).Append('}');
                }
                else if (name.Length > 0)
                    text.Append("::").Append(name);
                break;
            }
            case 'M':
                Disambiguator();
                Path(new StringBuilder(), inValue: false); // the impl's own path is not printed
                text.Append('<');
                Type(text);
                text.Append('>');
                break;
            case 'X':
                // A trait impl path: its disambiguator and impl path are not printed, the rest is a 'Y' path.
                Disambiguator();
                Path(new StringBuilder(), inValue: false);
                goto case 'Y';
            case 'Y':
                text.Append('<');
                Type(text);
                text.Append(" as ");
                Path(text, inValue: false);
                text.Append('>');
                break;
            case 'I':
                Path(text, inValue);
                if (inValue)
                    text.Append("::");
                text.Append('<');
                GenericArguments(text);
                text.Append('>');
                break;
            case 'B':
                BackReference(() => Path(text, inValue));
                break;
            default:
                throw new FormatException();
        }
        _depth--;
    }

    /// <summary>Generic arguments up to their <c>E</c>, comma-separated: lifetimes, types, <c>K</c> constants.</summary>
    private void GenericArguments(StringBuilder text)
    {
        for (var first = true; !Take('E'); first = false)
        {
            if (!first)
                text.Append(", ");
            if (Take('L'))
                Lifetime(text, Base62());
            else if (Take('K'))
                Constant(text);
            else
                Type(text);
        }
    }

    private void Type(StringBuilder text)
    {
        Enter();
        var c = Peek();
        if (BasicType(c) is { } basic)
        {
            _position++;
            text.Append(basic);
            _depth--;
            return;
        }
        switch (c)
        {
            case 'C' or 'M' or 'X' or 'Y' or 'N' or 'I':
                Path(text, inValue: false);
                break;
            case 'A':
                _position++;
                text.Append('[');
                Type(text);
                text.Append("; ");
                Constant(text);
                text.Append(']');
                break;
            case 'S':
                _position++;
                text.Append('[');
                Type(text);
                text.Append(']');
                break;
            case 'T':
            {
                _position++;
                text.Append('(');
                var count = 0;
                for (; !Take('E'); count++)
                {
                    if (count > 0)
                        text.Append(", ");
                    Type(text);
                }
                text.Append(count == 1 ? ",)" : ")");
                break;
            }
            case 'R' or 'Q':
                _position++;
                text.Append('&');
                if (Take('L'))
                {
                    var lifetime = Base62();
                    if (lifetime != 0)
                    {
                        Lifetime(text, lifetime);
                        text.Append(' ');
                    }
                }
                if (c == 'Q')
                    text.Append("mut ");
                Type(text);
                break;
            case 'P' or 'O':
                _position++;
                text.Append(c == 'P' ? "*const " : "*mut ");
                Type(text);
                break;
            case 'F':
                _position++;
                FunctionSignature(text);
                break;
            case 'D':
                _position++;
                DynTraits(text);
                break;
            case 'B':
                _position++;
                BackReference(() => Type(text));
                break;
            default:
                throw new FormatException();
        }
        _depth--;
    }

    private static string? BasicType(char c) => c switch
    {
        'a' => "i8",
        'b' => "bool",
        'c' => "char",
        'd' => "f64",
        'e' => "str",
        'f' => "f32",
        'h' => "u8",
        'i' => "isize",
        'j' => "usize",
        'l' => "i32",
        'm' => "u32",
        'n' => "i128",
        'o' => "u128",
        's' => "i16",
        't' => "u16",
        'u' => "()",
        'v' => "...",
        'x' => "i64",
        'y' => "u64",
        'z' => "!",
        'p' => "_",
        _ => null,
    };

    /// <summary><c>[binder] [U] [K abi] {type} E type</c>: <c>for&lt;'a&gt; unsafe extern "C" fn(A, B) -&gt; R</c>.</summary>
    private void FunctionSignature(StringBuilder text)
    {
        var bound = Binder(text);
        if (Take('U'))
            text.Append("unsafe ");
        if (Take('K'))
        {
            var abi = Take('C') ? "C" : UndisambiguatedIdentifier().Replace('_', '-');
            text.Append("extern \"").Append(abi).Append("\" ");
        }
        text.Append("fn(");
        for (var first = true; !Take('E'); first = false)
        {
            if (!first)
                text.Append(", ");
            Type(text);
        }
        text.Append(')');
        if (Take('u'))
        {
            // -> () is not printed.
        }
        else
        {
            text.Append(" -> ");
            Type(text);
        }
        _boundLifetimes -= bound;
    }

    /// <summary><c>[binder] {path {p name type}} E lifetime</c>: <c>dyn Trait&lt;Item = T&gt; + Send</c>.</summary>
    private void DynTraits(StringBuilder text)
    {
        text.Append("dyn ");
        var bound = Binder(text);
        for (var first = true; !Take('E'); first = false)
        {
            if (!first)
                text.Append(" + ");
            var trait = new StringBuilder();
            Path(trait, inValue: false);
            var bindings = new List<string>();
            while (Take('p'))
            {
                var name = UndisambiguatedIdentifier();
                var type = new StringBuilder();
                Type(type);
                bindings.Add($"{name} = {type}");
            }
            if (bindings.Count > 0)
            {
                // The associated types join the trait's generic arguments, if it has any.
                if (trait.Length > 0 && trait[^1] == '>')
                    trait.Length--;
                else
                    trait.Append('<');
                if (trait[^1] != '<')
                    trait.Append(", ");
                trait.Append(string.Join(", ", bindings)).Append('>');
            }
            text.Append(trait);
        }
        _boundLifetimes -= bound;
        if (!Take('L'))
            throw new FormatException();
        var lifetime = Base62();
        if (lifetime != 0)
        {
            text.Append(" + ");
            Lifetime(text, lifetime);
        }
    }

    /// <summary><c>G n</c>: <c>for&lt;'a, 'b&gt; </c>, n + 1 lifetimes bound from here on; the number bound.</summary>
    private int Binder(StringBuilder text)
    {
        if (!Take('G'))
            return 0;
        var count = (int)Base62() + 1;
        text.Append("for<");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
                text.Append(", ");
            _boundLifetimes++;
            Lifetime(text, 1);
        }
        text.Append("> ");
        return count;
    }

    /// <summary>A lifetime by its de Bruijn index: 0 is the erased <c>'_</c>, 1 the innermost bound one.</summary>
    private void Lifetime(StringBuilder text, ulong index)
    {
        if (index == 0)
        {
            text.Append("'_");
            return;
        }
        var depth = _boundLifetimes - (long)index;
        if (depth < 0)
            throw new FormatException();
        text.Append('\'').Append(depth < 26 ? ((char)('a' + depth)).ToString() : $"_{depth}");
    }

    /// <summary>A constant: its type, then its value in hex (<c>n</c> for negative), <c>p</c> for a placeholder, or a back-reference.</summary>
    private void Constant(StringBuilder text)
    {
        if (Take('p'))
        {
            text.Append('_');
            return;
        }
        if (Take('B'))
        {
            BackReference(() => Constant(text));
            return;
        }
        var type = Next();
        var negative = Take('n');
        var start = _position;
        while (Peek() != '_')
            _position++;
        var digits = _text[start.._position];
        _position++;
        var value = digits.Length == 0 ? 0 : ulong.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        switch (type)
        {
            case 'b':
                text.Append(value switch { 0 => "false", 1 => "true", _ => throw new FormatException() });
                break;
            case 'c':
                text.Append('\'').Append(char.ConvertFromUtf32((int)value)).Append('\'');
                break;
            default:
                if (BasicType(type) is null)
                    throw new FormatException();
                if (negative)
                    text.Append('-');
                text.Append(value.ToString(CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary><c>B n</c>: what is printed at byte n after <c>_R</c> again (parsed there, then back here).</summary>
    private void BackReference(Action print)
    {
        var target = (int)Base62() + 2;
        if (target >= _position)
            throw new FormatException();
        var saved = _position;
        _position = target;
        print();
        _position = saved;
    }

    /// <summary><c>s n</c>: the disambiguator (0 without one; n + 1 with).</summary>
    private ulong Disambiguator() => Take('s') ? Base62() + 1 : 0;

    /// <summary>A base-62 number up to its <c>_</c>: <c>_</c> is 0, otherwise the digits' value plus one.</summary>
    private ulong Base62()
    {
        if (Take('_'))
            return 0;
        ulong value = 0;
        while (!Take('_'))
        {
            var c = Next();
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 36,
                _ => throw new FormatException(),
            };
            value = checked(value * 62 + (ulong)digit);
        }
        return checked(value + 1);
    }

    private string Identifier() => UndisambiguatedIdentifier();

    /// <summary><c>[u] length [_] bytes</c>: <c>u</c> marks a Punycode-encoded name.</summary>
    private string UndisambiguatedIdentifier()
    {
        var punycode = Take('u');
        var start = _position;
        // A decimal number has no leading zeros: "0" is a whole number, and what follows it is the name.
        if (!Take('0'))
            while (char.IsAsciiDigit(Peek()))
                _position++;
        if (start == _position)
            throw new FormatException();
        var length = int.Parse(_text.AsSpan(start, _position - start), CultureInfo.InvariantCulture);
        Take('_');
        if (_position + length > _text.Length)
            throw new FormatException();
        var bytes = _text.Substring(_position, length);
        _position += length;
        return punycode ? Punycode(bytes) : bytes;
    }

    /// <summary>Decodes Rust's Punycode (RFC 3492, with <c>_</c> in place of <c>-</c> between the ASCII part and the rest).</summary>
    private static string Punycode(string encoded)
    {
        var split = encoded.LastIndexOf('_');
        var output = new List<int>(split > 0 ? encoded[..split].Select(c => (int)c) : []);
        var i = 0;
        var n = 128;
        var bias = 72;
        var position = split > 0 ? split + 1 : 0;
        while (position < encoded.Length)
        {
            var oldI = i;
            var w = 1;
            for (var k = 36; ; k += 36)
            {
                var c = encoded[position++];
                var digit = c switch
                {
                    >= 'a' and <= 'z' => c - 'a',
                    >= '0' and <= '9' => c - '0' + 26,
                    _ => throw new FormatException(),
                };
                i = checked(i + digit * w);
                var t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
                if (digit < t)
                    break;
                w = checked(w * (36 - t));
                if (position >= encoded.Length)
                    throw new FormatException();
            }
            var count = output.Count + 1;
            bias = Adapt(i - oldI, count, oldI == 0);
            n = checked(n + i / count);
            i %= count;
            output.Insert(i, n);
            i++;
        }
        return string.Concat(output.Select(char.ConvertFromUtf32));
    }

    private static int Adapt(int delta, int count, bool first)
    {
        delta = first ? delta / 700 : delta / 2;
        delta += delta / count;
        var k = 0;
        while (delta > (36 - 1) * 26 / 2)
        {
            delta /= 36 - 1;
            k += 36;
        }
        return k + (36 * delta) / (delta + 38);
    }
}
