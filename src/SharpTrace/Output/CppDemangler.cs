using System.Text;

namespace SharpTrace.Output;

/// <summary>
/// Demangles C++ symbol names of the Itanium ABI (what gcc and clang write on Linux) as <c>c++filt</c> prints them,
/// for the common cases: nested and template names, constructors, destructors, operators, builtin, qualified,
/// pointer, reference, array and function types, substitutions and template parameters, ABI tags, local names,
/// special names (vtables, typeinfo) and clone suffixes. A name it cannot read whole is left as it is (null).
/// </summary>
internal sealed class CppDemangler
{
    private readonly string _text;
    private readonly List<TypeText> _substitutions = [];
    private List<TypeText> _templateArguments = [];
    private int _position;
    private int _typeDepth;

    private CppDemangler(string text) => _text = text;

    /// <summary>A type as a declarator prints it: the part before the name and the part after (<c>void (*</c>, <c>)(int)</c>).</summary>
    private readonly record struct TypeText(string Left, string Right = "")
    {
        public override string ToString() => Left + Right;
    }

    /// <summary>The demangled form of <paramref name="symbol"/>, or null when it is not a mangled name this demangler reads whole.</summary>
    public static string? Demangle(string symbol)
    {
        if (!symbol.StartsWith("_Z", StringComparison.Ordinal))
            return null;
        try
        {
            var demangler = new CppDemangler(symbol) { _position = 2 };
            var text = demangler.Encoding();
            while (demangler.Peek() == '.')
            {
                var end = demangler._text.IndexOf('.', demangler._position + 1);
                end = end < 0 ? demangler._text.Length : end;
                text += $" [clone {demangler._text[demangler._position..end]}]";
                demangler._position = end;
            }
            return demangler._position == symbol.Length ? text : null;
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private char Peek(int ahead = 0) => _position + ahead < _text.Length ? _text[_position + ahead] : '\0';

    private bool Take(string prefix)
    {
        if (string.CompareOrdinal(_text, _position, prefix, 0, prefix.Length) != 0)
            return false;
        _position += prefix.Length;
        return true;
    }

    private void Expect(char c)
    {
        if (Peek() != c)
            throw new FormatException($"expected {c}");
        _position++;
    }

    private string Encoding()
    {
        if (Peek() == 'T' || Take("GV"))
            return Special();
        var (name, cv, isTemplate, isConversionOrStructor) = Name();
        if (_position >= _text.Length || Peek() is 'E' or '.')
            return name;
        var returnType = isTemplate && !isConversionOrStructor ? TypeOf().ToString() + " " : "";
        return returnType + name + Parameters() + cv;
    }

    private string Special()
    {
        if (_text[_position - 2] == 'G')
            return "guard variable for " + Name().Text;
        _position++;
        var kind = _text[_position++];
        return kind switch
        {
            'V' => "vtable for " + TypeOf(),
            'I' => "typeinfo for " + TypeOf(),
            'S' => "typeinfo name for " + TypeOf(),
            'T' => "VTT for " + TypeOf(),
            _ => throw new FormatException("special name"),
        };
    }

    private string Parameters()
    {
        var parameters = new List<string>();
        while (_position < _text.Length && Peek() is not ('E' or '.'))
            parameters.Add(TypeOf().ToString());
        if (parameters is ["void"])
            parameters.Clear();
        return "(" + string.Join(", ", parameters.Select(p => p == "..." ? "..." : p)) + ")";
    }

    /// <summary>A name: its text, the method's cv-qualifiers, whether it ends in template arguments, and whether it names a constructor, destructor or conversion (no return type).</summary>
    private (string Text, string Cv, bool IsTemplate, bool NoReturnType) Name()
    {
        if (Take("N"))
            return NestedName();
        if (Take("Z"))
        {
            var function = Encoding();
            Expect('E');
            if (Take("s"))
                return (function + "::string literal", "", false, false);
            var (entity, cv, isTemplate, special) = Name();
            if (Take("_"))
                Number();
            return (function + "::" + entity, cv, isTemplate, special);
        }
        string name;
        var structor = false;
        if (Peek() == 'S' && Peek(1) != 't')
        {
            name = Substitution().ToString();
            if (Peek() != 'I')
                throw new FormatException("substitution as a name");
        }
        else
        {
            var std = Take("St");
            (name, structor) = UnqualifiedName("");
            if (std)
                name = "std::" + name;
        }
        if (Peek() == 'I')
        {
            _substitutions.Add(new TypeText(name));
            name = WithArguments(name);
            return (name, "", true, structor);
        }
        return (name, "", false, structor);
    }

    private (string Text, string Cv, bool IsTemplate, bool NoReturnType) NestedName()
    {
        var cv = CvQualifiers();
        if (Take("R"))
            cv += " &";
        else if (Take("O"))
            cv += " &&";
        var name = "";
        var last = "";
        var isTemplate = false;
        var structor = false;
        while (!Take("E"))
        {
            // Every prefix is a substitution candidate, except std and substitutions themselves.
            var candidate = true;
            isTemplate = false;
            if (Peek() == 'S' && Peek(1) != 't')
            {
                name = Substitution().ToString();
                last = LastComponent(name);
                candidate = false;
            }
            else if (Take("St"))
            {
                name = "std";
                candidate = false;
            }
            else if (Peek() == 'I')
            {
                name = WithArguments(name);
                isTemplate = true;
            }
            else if (Peek() == 'T' && name.Length == 0)
            {
                name = TemplateParameter().ToString();
                last = LastComponent(name);
            }
            else
            {
                string component;
                (component, structor) = UnqualifiedName(last);
                last = component.StartsWith('~') ? component[1..] : component;
                var tag = last.IndexOf("[abi:", StringComparison.Ordinal);
                if (tag > 0)
                    last = last[..tag];
                name = name.Length == 0 ? component : name + "::" + component;
                if (Peek() == 'M') // a closure's context: not part of the printed name
                    _position++;
            }
            if (candidate && Peek() != 'E')
                _substitutions.Add(new TypeText(name));
        }
        return (name, cv, isTemplate, structor);
    }

    /// <summary>The name with the template arguments that follow (<c>operator&lt;&lt; &lt;char&gt;</c> gets a space, as c++filt writes it).</summary>
    private string WithArguments(string name)
    {
        var arguments = TemplateArguments();
        return name.EndsWith('<') ? name + " " + arguments : name + arguments;
    }

    private static string LastComponent(string name)
    {
        var template = name.IndexOf('<');
        var plain = template < 0 ? name : name[..template];
        var colons = plain.LastIndexOf("::", StringComparison.Ordinal);
        return colons < 0 ? plain : plain[(colons + 2)..];
    }

    private (string Name, bool IsStructor) UnqualifiedName(string enclosing)
    {
        var c = Peek();
        string name;
        var structor = false;
        if (char.IsDigit(c))
            name = SourceName();
        else if (c == 'C' && char.IsDigit(Peek(1)) || c == 'D' && Peek(1) is '0' or '1' or '2' or '4' or '5')
        {
            var className = enclosing;
            var template = className.IndexOf('<');
            if (template >= 0)
                className = className[..template];
            name = (c == 'D' ? "~" : "") + className;
            _position += 2;
            structor = true;
        }
        else if (c == 'L')
        {
            _position++;
            name = SourceName();
        }
        else
        {
            (name, structor) = OperatorName();
        }
        while (Take("B"))
            name += $"[abi:{SourceName()}]";
        return (name, structor);
    }

    private string SourceName()
    {
        var length = Number();
        var name = _text.Substring(_position, length);
        _position += length;
        return name.StartsWith("_GLOBAL__N", StringComparison.Ordinal) ? "(anonymous namespace)" : name;
    }

    private int Number()
    {
        var start = _position;
        while (char.IsDigit(Peek()))
            _position++;
        return start == _position ? throw new FormatException("number") : int.Parse(_text.AsSpan(start, _position - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static readonly Dictionary<string, string> Operators = new(StringComparer.Ordinal)
    {
        ["nw"] = " new", ["na"] = " new[]", ["dl"] = " delete", ["da"] = " delete[]", ["ps"] = "+", ["ng"] = "-", ["ad"] = "&",
        ["de"] = "*", ["co"] = "~", ["pl"] = "+", ["mi"] = "-", ["ml"] = "*", ["dv"] = "/", ["rm"] = "%", ["an"] = "&",
        ["or"] = "|", ["eo"] = "^", ["aS"] = "=", ["pL"] = "+=", ["mI"] = "-=", ["mL"] = "*=", ["dV"] = "/=", ["rM"] = "%=",
        ["aN"] = "&=", ["oR"] = "|=", ["eO"] = "^=", ["ls"] = "<<", ["rs"] = ">>", ["lS"] = "<<=", ["rS"] = ">>=",
        ["eq"] = "==", ["ne"] = "!=", ["lt"] = "<", ["gt"] = ">", ["le"] = "<=", ["ge"] = ">=", ["ss"] = "<=>", ["nt"] = "!",
        ["aa"] = "&&", ["oo"] = "||", ["pp"] = "++", ["mm"] = "--", ["cm"] = ",", ["pm"] = "->*", ["pt"] = "->", ["cl"] = "()",
        ["ix"] = "[]", ["qu"] = "?",
    };

    private (string Name, bool IsConversion) OperatorName()
    {
        var code = _text.Substring(_position, 2);
        _position += 2;
        if (code == "cv")
            return ("operator " + TypeOf(), true);
        if (code == "li")
            return ("operator\"\" " + SourceName(), false);
        return Operators.TryGetValue(code, out var op) ? ("operator" + op, false) : throw new FormatException("operator");
    }

    private string CvQualifiers()
    {
        var cv = "";
        if (Take("r"))
            cv += " restrict";
        if (Take("V"))
            cv += " volatile";
        if (Take("K"))
            cv += " const";
        return cv;
    }

    private string TemplateArguments()
    {
        Expect('I');
        var arguments = new List<TypeText>();
        while (!Take("E"))
        {
            if (Take("J"))
            {
                while (!Take("E"))
                    arguments.Add(TemplateArgument());
                continue;
            }
            arguments.Add(TemplateArgument());
        }
        // Template parameters (T_) name the arguments of the function's own name, not those of types in it.
        if (_typeDepth == 0)
            _templateArguments = arguments;
        var text = string.Join(", ", arguments.Select(a => a.ToString()));
        return "<" + text + (text.EndsWith('>') ? " >" : ">");
    }

    private TypeText TemplateArgument()
    {
        if (!Take("L"))
            return TypeOf();
        if (Take("_Z"))
        {
            var encoding = Encoding();
            Expect('E');
            return new TypeText(encoding);
        }
        var type = TypeOf().ToString();
        var negative = Take("n");
        var start = _position;
        while (Peek() != 'E')
            _position++;
        var value = (negative ? "-" : "") + _text[start.._position];
        _position++;
        return new TypeText(type switch
        {
            "int" => value,
            "unsigned int" => value + "u",
            "long" => value + "l",
            "unsigned long" => value + "ul",
            "long long" => value + "ll",
            "unsigned long long" => value + "ull",
            "bool" => value == "0" ? "false" : "true",
            _ => $"({type}){value}",
        });
    }

    private TypeText TemplateParameter()
    {
        Expect('T');
        var index = Peek() == '_' ? 0 : Number() + 1;
        Expect('_');
        return index < _templateArguments.Count ? _templateArguments[index] : throw new FormatException("template parameter");
    }

    private TypeText Substitution()
    {
        Expect('S');
        var c = _text[_position++];
        switch (c)
        {
            case 'a': return new TypeText("std::allocator");
            case 'b': return new TypeText("std::basic_string");
            // c++filt spells the abbreviations of the char streams and string out.
            case 's': return new TypeText("std::basic_string<char, std::char_traits<char>, std::allocator<char> >");
            case 'i': return new TypeText("std::basic_istream<char, std::char_traits<char> >");
            case 'o': return new TypeText("std::basic_ostream<char, std::char_traits<char> >");
            case 'd': return new TypeText("std::basic_iostream<char, std::char_traits<char> >");
            case '_': return _substitutions[0];
        }
        var id = 0;
        _position--;
        while (Peek() != '_')
        {
            var digit = _text[_position++];
            id = id * 36 + (char.IsDigit(digit) ? digit - '0' : char.IsUpper(digit) ? digit - 'A' + 10 : throw new FormatException("seq-id"));
        }
        _position++;
        return _substitutions[id + 1];
    }

    private static readonly Dictionary<char, string> Builtins = new()
    {
        ['v'] = "void", ['w'] = "wchar_t", ['b'] = "bool", ['c'] = "char", ['a'] = "signed char", ['h'] = "unsigned char",
        ['s'] = "short", ['t'] = "unsigned short", ['i'] = "int", ['j'] = "unsigned int", ['l'] = "long", ['m'] = "unsigned long",
        ['x'] = "long long", ['y'] = "unsigned long long", ['n'] = "__int128", ['o'] = "unsigned __int128", ['f'] = "float",
        ['d'] = "double", ['e'] = "long double", ['g'] = "__float128", ['z'] = "...",
    };

    private TypeText TypeOf()
    {
        _typeDepth++;
        try
        {
            return ParseType();
        }
        finally
        {
            _typeDepth--;
        }
    }

    private TypeText ParseType()
    {
        var c = Peek();
        if (Builtins.TryGetValue(c, out var builtin))
        {
            _position++;
            return new TypeText(builtin);
        }
        TypeText type;
        switch (c)
        {
            case 'D':
                var code = Peek(1);
                _position += 2;
                type = new TypeText(code switch
                {
                    'n' => "decltype(nullptr)", 'i' => "char32_t", 's' => "char16_t", 'u' => "char8_t", 'a' => "auto", 'c' => "decltype(auto)",
                    _ => throw new FormatException("D type"),
                });
                return type;
            case 'r' or 'V' or 'K':
                var cv = CvQualifiers();
                var inner = TypeOf();
                type = inner.Right.Length > 0 && inner.Right.StartsWith('(') ? new TypeText(inner.Left, inner.Right + cv) : new TypeText(inner.Left + cv, inner.Right);
                break;
            case 'P' or 'R' or 'O':
                _position++;
                var symbol = c == 'P' ? "*" : c == 'R' ? "&" : "&&";
                var target = TypeOf();
                type = target.Right.Length == 0
                    ? new TypeText(target.Left + symbol)
                    : new TypeText(target.Left + " (" + symbol, ")" + target.Right);
                break;
            case 'F':
                _position++;
                Take("Y");
                var returns = TypeOf().ToString();
                var parameters = Parameters();
                Expect('E');
                type = new TypeText(returns, parameters);
                break;
            case 'A':
                _position++;
                var size = char.IsDigit(Peek()) ? Number().ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
                Expect('_');
                var element = TypeOf();
                type = new TypeText(element.Left, $" [{size}]" + element.Right);
                break;
            case 'T':
                type = TemplateParameter();
                if (Peek() == 'I')
                {
                    _substitutions.Add(type);
                    type = new TypeText(type + TemplateArguments());
                }
                break;
            case 'S' when Peek(1) != 't':
                type = Substitution();
                if (Peek() == 'I')
                {
                    type = new TypeText(type + TemplateArguments());
                    break;
                }
                return type;
            default:
                var (name, _, _, _) = Name();
                type = new TypeText(name);
                break;
        }
        _substitutions.Add(type);
        return type;
    }
}
