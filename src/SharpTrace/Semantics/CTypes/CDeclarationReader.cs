using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// The C declaration parser: struct, union and enum definitions (nested, anonymous members, arrays, pointers,
/// function pointers, bitfields, <c>__attribute__((packed))</c>), typedefs, and the preprocessor lines scripts use.
/// One definition is parsed at a time; the first error in it is reported and the rest of it skipped.
/// </summary>
internal sealed class CDeclarationReader : IConditionSource
{
    private sealed class CSyntaxError : Exception;

    private readonly record struct Declarator(string? Name, TextSpan Span, Func<CType, CType> Apply);

    private readonly DiagnosticBag _diagnostics;
    private readonly HeaderMacros _headers;
    private readonly Dictionary<string, CMacro> _macros = new(StringComparer.Ordinal);
    // Header macros evaluated so far (null: not an integer constant), and those being evaluated (a macro naming
    // itself, as glibc's "#define SOCK_STREAM SOCK_STREAM", then means the enumerator of that name).
    private readonly Dictionary<string, long?> _headerValues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _expanding = new(StringComparer.Ordinal);
    private readonly List<string> _includes = [];
    // The script's conditions are never unknown: unknown macros are 0, as in the C preprocessor.
    private readonly PreprocessorConditionals _conditionals;
    private List<CToken> _tokens = [];
    private int _position;
    private DiagnosticBag _expressionDiagnostics;
    // While evaluating #if: unknown identifiers are 0 and defined() works, as in the C preprocessor.
    private bool _inConditional;
    private Dictionary<string, long>? _enumScope;

    public CDeclarationReader(DiagnosticBag diagnostics, CTypeTable types, HeaderSearch headers)
    {
        _diagnostics = diagnostics;
        _expressionDiagnostics = diagnostics;
        _headers = new HeaderMacros(headers);
        _conditionals = new PreprocessorConditionals(this);
        Types = types;
        if (types.Kernel is not null)
            _macros[CDeclarations.HaveBtfMacro] = new CMacro(CDeclarations.HaveBtfMacro, "1", 1, default);
    }

    public CTypeTable Types { get; }

    /// <summary>Whether a char array is a string of one byte more, as a script's (<see cref="CArrayType.ReadsTerminator"/>).</summary>
    public bool CharArraysReadTerminator { get; init; } = true;
    public IReadOnlyDictionary<string, CMacro> Macros => _macros;
    public IReadOnlyList<string> Includes => _includes;
    public bool IsActive => _conditionals.Active;

    // ---- Preprocessor lines ----

    public void Directive(PreprocessorLine line)
    {
        var text = line.Text;
        var i = SkipBlanks(text, 1);
        var wordStart = i;
        while (i < text.Length && char.IsAsciiLetter(text[i]))
            i++;
        var word = text[wordStart..i];
        var restStart = SkipBlanks(text, i);
        var rest = text[restStart..];
        var restOffset = line.Span.Start + restStart;
        switch (_conditionals.Directive(word, rest, restOffset, line.Span))
        {
            case ConditionalDirective.Unmatched:
                _diagnostics.ReportUnmatchedConditional(line.Span, word);
                return;
            case ConditionalDirective.Handled:
                return;
        }
        if (!IsActive)
            return;
        switch (word)
        {
            case "define":
                Define(rest, restOffset, line.Span);
                break;
            case "undef":
                _macros.Remove(PreprocessorConditionals.FirstIdentifier(rest));
                break;
            case "include":
                Include(rest, restOffset);
                break;
            // #pragma, #error and the rest have no meaning for a trace program.
        }
    }

    public void Finish()
    {
        foreach (var open in _conditionals.Open)
            _diagnostics.ReportUnterminatedConditional(open);
    }

    ConditionTruth IConditionSource.IsDefined(string name) => IsDefined(name) ? ConditionTruth.True : ConditionTruth.False;

    ConditionTruth IConditionSource.Evaluate(string condition, int offset) =>
        EvaluateCondition(condition, offset) ? ConditionTruth.True : ConditionTruth.False;

    private void Define(string rest, int restOffset, TextSpan lineSpan)
    {
        var name = PreprocessorConditionals.FirstIdentifier(rest);
        if (name.Length == 0)
        {
            _diagnostics.ReportInvalidDefine(lineSpan);
            return;
        }
        // A function-like macro ("#define MAX(a, b) ...") has its "(" right after the name; we keep only object-like ones.
        if (name.Length < rest.Length && rest[name.Length] == '(')
            return;
        var valueText = rest[name.Length..].Trim();
        var valueOffset = restOffset + rest.IndexOf(valueText, name.Length, StringComparison.Ordinal);
        _macros[name] = new CMacro(name, valueText, TryEvaluate(valueText, valueOffset), lineSpan);
    }

    private void Include(string rest, int restOffset)
    {
        var close = rest.Length > 0 ? rest[0] switch { '<' => '>', '"' => '"', _ => '\0' } : '\0';
        var end = close == '\0' ? -1 : rest.IndexOf(close, 1);
        if (end < 0)
        {
            _diagnostics.ReportCExpected(new TextSpan(restOffset, Math.Max(1, rest.Length)), "\"FILENAME\" or <FILENAME>");
            return;
        }
        var header = rest[1..end];
        _includes.Add(header);
        // With BTF every kernel type is known whatever the header; without it, the header must at least exist.
        if (!IncludeHeader(header) && Types.Kernel is null)
            _diagnostics.ReportIncludeNotFound(new TextSpan(restOffset + 1, header.Length), header);
    }

    /// <summary>Reads the macros of a header (named by <c>#include</c> or <c>--include</c>); false if it is not on disk.</summary>
    public bool IncludeHeader(string header) => _headers.Include(header);

    private bool IsDefined(string name) => _macros.ContainsKey(name) || _headers.IsDefined(name);

    /// <summary>
    /// The integer value of a macro: the script's own <c>#define</c> first, then the included headers'. Null when the
    /// name is no macro or its text is not an integer constant expression.
    /// </summary>
    public long? MacroValue(string name) =>
        _macros.TryGetValue(name, out var macro) ? macro.Value : HeaderMacroValue(name);

    private long? HeaderMacroValue(string name)
    {
        if (_headerValues.TryGetValue(name, out var known))
            return known;
        if (!_headers.TryGetText(name, out var text) || !_expanding.Add(name))
            return null;
        // Evaluated on first use, possibly in the middle of another expression: the parser's state is kept aside.
        var (tokens, position, inConditional, enumScope) = (_tokens, _position, _inConditional, _enumScope);
        _inConditional = false;
        _enumScope = null;
        long? value;
        try
        {
            // Header text is not in the script: spans mean nothing, and problems only make the value unknown.
            value = TryEvaluate(text, 0);
        }
        finally
        {
            (_tokens, _position, _inConditional, _enumScope) = (tokens, position, inConditional, enumScope);
            _expanding.Remove(name);
        }
        _headerValues[name] = value;
        return value;
    }

    private bool EvaluateCondition(string text, int offset)
    {
        _inConditional = true;
        try
        {
            return Start(text, offset, _diagnostics) && ParseWholeExpression() != 0;
        }
        catch (CSyntaxError)
        {
            return false;
        }
        finally
        {
            _inConditional = false;
        }
    }

    // The value of a #define's text if it is an integer constant expression; problems are not errors (it may be a string).
    private long? TryEvaluate(string text, int offset)
    {
        var scratch = new DiagnosticBag(_diagnostics.Source);
        var saved = _expressionDiagnostics;
        try
        {
            return Start(text, offset, scratch) ? ParseWholeExpression() : null;
        }
        catch (CSyntaxError)
        {
            return null;
        }
        finally
        {
            _expressionDiagnostics = saved;
        }
    }

    private bool Start(string text, int offset, DiagnosticBag diagnostics)
    {
        _expressionDiagnostics = diagnostics;
        if (text.Length == 0 || CTokenizer.Tokenize(text, offset, diagnostics) is not { } tokens)
            return false;
        _tokens = tokens;
        _position = 0;
        return true;
    }

    private long ParseWholeExpression()
    {
        var value = ParseExpression();
        if (Current.Kind != CTokenKind.End)
            throw Error(d => d.ReportCExpected(Current.Span, "end of expression"));
        return value;
    }

    private static int SkipBlanks(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
            i++;
        return i;
    }

    // ---- Definitions ----

    public void Definition(CDefinition definition)
    {
        _expressionDiagnostics = _diagnostics;
        if (CTokenizer.Tokenize(definition.Text, definition.Span.Start, _diagnostics) is not { } tokens)
            return;
        _tokens = tokens;
        _position = 0;
        try
        {
            ParseTopLevel();
        }
        catch (CSyntaxError)
        {
            // Reported where found; the next definition starts afresh.
        }
    }

    private void ParseTopLevel()
    {
        var isTypedef = false;
        if (Current.Is("typedef"))
        {
            Take();
            isTypedef = true;
        }
        var type = ParseSpecifiers();
        if (!Current.Is(";"))
        {
            while (true)
            {
                var declarator = ParseDeclarator();
                if (isTypedef && declarator.Name is { } name)
                    Types.AddTypedef(name, new CTypedefType(name, declarator.Apply(type)));
                // A variable declared with the type means nothing to a trace program.
                if (!Current.Is(","))
                    break;
                Take();
            }
        }
        // The parser ends a definition at its "}" when no ";" follows; like bpftrace, we accept that.
        if (Current.Is(";"))
            Take();
        if (Current.Kind != CTokenKind.End)
            throw Error(d => d.ReportCExpected(Current.Span, "end of definition"));
    }

    private static bool IsQualifier(string word) => word is
        "const" or "volatile" or "restrict" or "__restrict" or "__restrict__" or "static" or "extern" or "register"
        or "inline" or "__inline" or "__extension__" or "__volatile__" or "__const";

    /// <summary>Declaration specifiers: qualifiers, base type words, a struct/union/enum, or a typedef name.</summary>
    private CType ParseSpecifiers()
    {
        var words = new List<string>();
        CType? named = null;
        var start = Current.Span;
        while (Current.Kind == CTokenKind.Identifier)
        {
            var text = Current.Text;
            if (IsQualifier(text))
                Take();
            else if (text is "__attribute__" or "__attribute")
                SkipAttribute();
            else if (CBaseTypes.IsSpecifierWord(text) && named is null)
                words.Add(Take().Text);
            else if (text is "struct" or "union" or "enum" && named is null && words.Count == 0)
                named = ParseTagged();
            else if (named is null && words.Count == 0)
            {
                var token = Take();
                named = Types.FindTypedef(text) ?? throw Error(d => d.ReportUnknownCTypeName(token.Span, text));
            }
            else
                break;
        }
        if (named is not null)
            return named;
        var span = start.Cover(Previous.Span);
        if (words.Count == 0)
            throw Error(d => d.ReportCExpected(Current.Span, "a type"));
        return CBaseTypes.FromWords(words) ?? throw Error(d => d.ReportInvalidCTypeSpecifiers(span, string.Join(' ', words)));
    }

    /// <summary>Skips <c>__attribute__((...))</c>; true if it says <c>packed</c>.</summary>
    private bool SkipAttribute()
    {
        Take();
        Expect("(");
        var depth = 1;
        var packed = false;
        while (depth > 0)
        {
            var token = Take();
            if (token.Kind == CTokenKind.End)
                throw Error(d => d.ReportCExpected(token.Span, "')'"));
            if (token.Is("("))
                depth++;
            else if (token.Is(")"))
                depth--;
            else if (token.Text is "packed" or "__packed__")
                packed = true;
        }
        return packed;
    }

    private CType ParseTagged()
    {
        var keyword = Take().Text;
        var packed = false;
        while (Current.Is("__attribute__") || Current.Is("__attribute"))
            packed |= SkipAttribute();
        CToken? tag = Current.Kind == CTokenKind.Identifier ? Take() : null;
        if (!Current.Is("{"))
        {
            if (tag is not { } reference)
                throw Error(d => d.ReportCExpected(Current.Span, "identifier or '{'"));
            if (Types.FindTagged(keyword, reference.Text) is { } known)
                return known;
            // A reference to a type not defined yet declares it, incomplete, as in C.
            CType declared = keyword == "enum"
                ? new CEnumType(reference.Text, 4, false, [])
                : new CStructType(reference.Text, keyword == "union");
            Types.AddTagged(keyword, reference.Text, declared);
            return declared;
        }
        return keyword == "enum" ? ParseEnumBody(tag) : ParseStructBody(keyword, tag, packed);
    }

    private CStructType ParseStructBody(string keyword, CToken? tag, bool packed)
    {
        var isUnion = keyword == "union";
        CStructType type;
        var existing = tag is { } t ? Types.FindScriptTagged(keyword, t.Text) : null;
        if (existing is CStructType { IsComplete: false } declared)
            type = declared;
        else
        {
            if (existing is not null)
                Report(d => d.ReportCRedefinition(tag!.Value.Span, tag.Value.Text));
            type = new CStructType(tag?.Text, isUnion);
            if (tag is { } named && existing is null)
                Types.AddTagged(keyword, named.Text, type);
        }

        Expect("{");
        var members = new List<CMemberDeclaration>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (!Current.Is("}"))
        {
            if (Current.Kind == CTokenKind.End)
                throw Error(d => d.ReportCExpected(Current.Span, "'}'"));
            var memberType = ParseSpecifiers();
            if (Current.Is(";"))
            {
                Take();
                // C11 anonymous struct/union: its members belong to the enclosing type.
                if (memberType is CStructType { Tag: null })
                    members.Add(new CMemberDeclaration("", memberType));
                continue;
            }
            while (true)
            {
                var member = ParseMember(memberType);
                if (member.Name.Length > 0 && !names.Add(member.Name))
                    Report(d => d.ReportCDuplicateMember(Previous.Span, member.Name));
                members.Add(member);
                if (!Current.Is(","))
                    break;
                Take();
            }
            // The last member may end without ';' (`struct x { unsigned long x };`): clang only warns in C, so the
            // newest bpftrace takes it (its runtime/builtin "ctx" and runtime/pointers "Struct pointer math").
            if (Current.Is("}"))
                continue;
            if (!Current.Is(";"))
                throw Error(d => d.ReportCExpected(Current.Span, "';' at end of declaration list"));
            Take();
        }
        Take();
        while (Current.Is("__attribute__") || Current.Is("__attribute"))
            packed |= SkipAttribute();
        CStructBody body;
        try
        {
            body = CLayout.Lay(members, isUnion, packed);
        }
        catch (OverflowException)
        {
            throw Error(d => d.ReportCTypeTooLarge(Previous.Span));
        }
        if (!type.IsComplete)
            type.Define(body);
        return type;
    }

    private CMemberDeclaration ParseMember(CType specifier)
    {
        var start = Current.Span;
        var declarator = Current.Is(":") ? new Declarator("", Current.Span, t => t) : ParseDeclarator();
        var name = declarator.Name ?? throw Error(d => d.ReportCExpected(start, "member name or ';' after declaration specifiers"));
        var type = declarator.Apply(specifier);
        var span = declarator.Name.Length > 0 ? declarator.Span : start;
        if (!Current.Is(":"))
        {
            if (IsIncomplete(type) || (FromKernel(type) && KernelTypesRedefined()))
            {
                if (type.Resolved is CArrayType)
                    Report(d => d.ReportCIncompleteElement(span, Innermost(type).Name));
                else
                    Report(d => d.ReportCIncompleteField(span, type.Name));
            }
            return new CMemberDeclaration(name, type);
        }
        Take();
        var widthStart = Current.Span;
        var width = ParseConditional();
        var bits = type.Size * 8;
        if (type.Resolved is not (CIntegerType or CBoolType or CEnumType))
            Report(d => d.ReportCBitfieldType(span, name, type.Name));
        else if (width < 0 || width > bits)
            Report(d => d.ReportCBitfieldWidth(widthStart.Cover(Previous.Span), name, width, bits));
        else if (width == 0 && name.Length > 0)
            Report(d => d.ReportCBitfieldWidth(widthStart.Cover(Previous.Span), name, width, bits));
        return new CMemberDeclaration(name, type, (int)Math.Clamp(width, 0, bits));
    }

    /// <summary>
    /// Whether the script redefines a type the kernel's BTF has. The newest bpftrace then takes no definitions from
    /// BTF into the script's C (clang sees them undefined), so a member of a kernel struct, union or enum by value is
    /// a field of incomplete type there (tests/runtime/btf "redefine_btf_type_missing_def"); pointers to them stay
    /// usable, their members resolved from BTF when the program reads them. Asked only once a definition holds a
    /// kernel type by value, so that a script naming no kernel type never reads BTF.
    /// </summary>
    public Func<bool> KernelTypesRedefined { get; init; } = () => false;

    // A struct or union (or an array of them) the script does not define itself: the kernel's.
    private bool FromKernel(CType type) =>
        Innermost(type).Resolved is CStructType { Tag: { } tag } s && !ReferenceEquals(Types.FindScriptTagged(s.IsUnion ? "union" : "struct", tag), s);

    private static CType Innermost(CType type) => type.Resolved is CArrayType array ? Innermost(array.Element) : type;

    private static bool IsIncomplete(CType type) => type.Resolved switch
    {
        CStructType s => !s.IsComplete,
        CVoidType or CFunctionType => true,
        CArrayType a => IsIncomplete(a.Element),
        _ => false,
    };

    private CEnumType ParseEnumBody(CToken? tag)
    {
        Expect("{");
        var values = new List<CEnumValue>();
        _enumScope = new Dictionary<string, long>(StringComparer.Ordinal);
        long next = 0;
        try
        {
            while (!Current.Is("}"))
            {
                var name = Current.Kind == CTokenKind.Identifier ? Take() : throw Error(d => d.ReportCExpected(Current.Span, "identifier"));
                var value = next;
                if (Current.Is("="))
                {
                    Take();
                    value = ParseConditional();
                }
                if (!_enumScope.TryAdd(name.Text, value) || Types.FindScriptEnumerator(name.Text))
                    Report(d => d.ReportCRedefinition(name.Span, name.Text));
                values.Add(new CEnumValue(name.Text, value));
                next = value + 1;
                if (!Current.Is(","))
                    break;
                Take();
            }
            Expect("}");
        }
        finally
        {
            _enumScope = null;
        }

        // gcc: unsigned int if every value fits, else int if they fit signed, else 8 bytes.
        var isSigned = values.Any(v => v.Value < 0);
        var fits = values.All(v => isSigned ? v.Value is >= int.MinValue and <= int.MaxValue : v.Value <= uint.MaxValue);
        var type = new CEnumType(tag?.Text, fits ? 4 : 8, isSigned, values);
        if (tag is { } named)
        {
            if (Types.FindScriptTagged("enum", named.Text) is CEnumType { Values.Count: > 0 })
                Report(d => d.ReportCRedefinition(named.Span, named.Text));
            Types.AddTagged("enum", named.Text, type);
        }
        Types.AddEnumerators(type);
        return type;
    }

    /// <summary>
    /// A declarator: pointers, a name (or none, in a type name), parentheses, array and function suffixes. Returns
    /// the name and how it wraps the specifier type (<c>*argv[4]</c> makes an array of pointers).
    /// </summary>
    private Declarator ParseDeclarator()
    {
        var pointers = 0;
        while (Current.Is("*"))
        {
            Take();
            pointers++;
            while (Current.Kind == CTokenKind.Identifier && IsQualifier(Current.Text))
                Take();
        }
        string? name = null;
        var span = Current.Span;
        Func<CType, CType> inner = t => t;
        if (Current.Is("(") && (Peek(1).Is("*") || Peek(1).Is("(")))
        {
            Take();
            var nested = ParseDeclarator();
            Expect(")");
            (name, span, inner) = (nested.Name, nested.Span, nested.Apply);
        }
        else if (Current.Kind == CTokenKind.Identifier && !Current.Text.StartsWith("__attribute", StringComparison.Ordinal))
            name = Take().Text;

        var suffixes = new List<Func<CType, CType>>();
        while (true)
        {
            if (Current.Is("["))
            {
                Take();
                var countStart = Current.Span;
                var count = Current.Is("]") ? 0 : ParseConditional();
                var countSpan = countStart.Cover(Previous.Span);
                if (count is < 0 or > int.MaxValue)
                    Report(d => d.ReportCArraySize(countSpan, count));
                Expect("]");
                var length = (int)Math.Clamp(count, 0, int.MaxValue);
                suffixes.Add(t => (long)t.Size * length > int.MaxValue
                    ? throw Error(d => d.ReportCTypeTooLarge(countSpan))
                    // As the newest bpftrace's clang parser types it (on the canonical type): a string only when the
                    // element, typedefs looked through, is plain char; signed char, unsigned char, int8_t and uint8_t
                    // arrays are arrays of integers; a string of one byte more (the byte after the field).
                    : new CArrayType(t, length) { IsText = t.Resolved is CIntegerType { Name: "char" }, ReadsTerminator = CharArraysReadTerminator && t.Resolved is CIntegerType { Name: "char" } });
            }
            else if (Current.Is("("))
            {
                var (parameters, variadic) = ParseParameters();
                suffixes.Add(t => new CFunctionType(t, parameters, variadic));
            }
            else
                break;
        }
        while (Current.Is("__attribute__") || Current.Is("__attribute"))
            SkipAttribute();
        return new Declarator(name, span, type =>
        {
            for (var i = 0; i < pointers; i++)
                type = new CPointerType(type);
            for (var i = suffixes.Count - 1; i >= 0; i--)
                type = suffixes[i](type);
            return inner(type);
        });
    }

    private (IReadOnlyList<CParameter> Parameters, bool IsVariadic) ParseParameters()
    {
        Expect("(");
        var parameters = new List<CParameter>();
        var variadic = false;
        if (Current.Is("void") && Peek(1).Is(")"))
            Take();
        while (!Current.Is(")"))
        {
            if (Current.Is("..."))
            {
                Take();
                variadic = true;
                break;
            }
            var type = ParseSpecifiers();
            var declarator = ParseDeclarator();
            parameters.Add(new CParameter(declarator.Name ?? "", declarator.Apply(type)));
            if (!Current.Is(","))
                break;
            Take();
        }
        Expect(")");
        return (parameters, variadic);
    }

    // ---- Integer constant expressions (array sizes, bitfield widths, enum values, #define, #if) ----

    private long ParseExpression() => ParseConditional();

    private long ParseConditional()
    {
        var condition = ParseBinary(0);
        if (!Current.Is("?"))
            return condition;
        Take();
        var whenTrue = ParseExpression();
        Expect(":");
        var whenFalse = ParseConditional();
        return condition != 0 ? whenTrue : whenFalse;
    }

    private static int Precedence(CToken token) => token.Kind != CTokenKind.Punctuation ? -1 : token.Text switch
    {
        "||" => 1, "&&" => 2, "|" => 3, "^" => 4, "&" => 5, "==" or "!=" => 6, "<" or ">" or "<=" or ">=" => 7,
        "<<" or ">>" => 8, "+" or "-" => 9, "*" or "/" or "%" => 10, _ => -1,
    };

    private long ParseBinary(int minimum)
    {
        var left = ParseUnary();
        while (Precedence(Current) is var precedence && precedence > minimum)
        {
            var op = Take();
            var right = ParseBinary(precedence);
            if (op.Text is "/" or "%" && right == 0)
                throw ExpressionError(d => d.ReportCDivisionByZero(op.Span));
            left = op.Text switch
            {
                "||" => left != 0 || right != 0 ? 1 : 0,
                "&&" => left != 0 && right != 0 ? 1 : 0,
                "|" => left | right,
                "^" => left ^ right,
                "&" => left & right,
                "==" => left == right ? 1 : 0,
                "!=" => left != right ? 1 : 0,
                "<" => left < right ? 1 : 0,
                ">" => left > right ? 1 : 0,
                "<=" => left <= right ? 1 : 0,
                ">=" => left >= right ? 1 : 0,
                "<<" => left << (int)right,
                ">>" => left >> (int)right,
                "+" => unchecked(left + right),
                "-" => unchecked(left - right),
                "*" => unchecked(left * right),
                // INT64_MIN / -1 overflows in C; it wraps here, as two's complement does, rather than failing.
                "/" => right == -1 ? unchecked(-left) : left / right,
                _ => right == -1 ? 0 : left % right,
            };
        }
        return left;
    }

    private long ParseUnary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case CTokenKind.Number:
                Take();
                return unchecked((long)token.Value);
            case CTokenKind.Punctuation when token.Text is "-" or "+" or "~" or "!":
                Take();
                var operand = ParseUnary();
                return token.Text switch { "-" => unchecked(-operand), "+" => operand, "~" => ~operand, _ => operand == 0 ? 1 : 0 };
            case CTokenKind.Punctuation when token.Text == "(":
                Take();
                if (StartsTypeName())
                {
                    // A cast, as in "#define FLAG ((u32)1 << 3)": the value is converted to the type.
                    var type = ParseTypeName();
                    Expect(")");
                    return Convert(ParseUnary(), type);
                }
                var value = ParseExpression();
                Expect(")");
                return value;
            case CTokenKind.Identifier when token.Text == "sizeof":
            {
                Take();
                Expect("(");
                var type = ParseTypeName();
                Expect(")");
                return type.Size;
            }
            case CTokenKind.Identifier when token.Text == "defined" && _inConditional:
            {
                Take();
                var parenthesized = Current.Is("(");
                if (parenthesized)
                    Take();
                var name = Current.Kind == CTokenKind.Identifier ? Take().Text : throw ExpressionError(d => d.ReportCExpected(Current.Span, "identifier"));
                if (parenthesized)
                    Expect(")");
                return IsDefined(name) ? 1 : 0;
            }
            case CTokenKind.Identifier:
            {
                Take();
                if (_enumScope is not null && _enumScope.TryGetValue(token.Text, out var local))
                    return local;
                if (MacroValue(token.Text) is { } macroValue)
                    return macroValue;
                if (Types.FindEnumerator(token.Text) is { } enumerator)
                    return enumerator.Value;
                if (_inConditional)
                    return 0;
                throw ExpressionError(d => d.ReportCUndeclaredIdentifier(token.Span, token.Text));
            }
            default:
                throw ExpressionError(d => d.ReportCNotConstant(token.Span));
        }
    }

    private bool StartsTypeName() =>
        Current.Kind == CTokenKind.Identifier
        && (CBaseTypes.IsSpecifierWord(Current.Text) || IsQualifier(Current.Text) || Current.Text is "struct" or "union" or "enum"
            || (!IsDefined(Current.Text) && Types.FindTypedef(Current.Text) is not null));

    private CType ParseTypeName()
    {
        var type = ParseSpecifiers();
        var declarator = ParseDeclarator();
        return declarator.Apply(type);
    }

    private static long Convert(long value, CType type) => type.Resolved switch
    {
        CIntegerType { Size: 1, IsSigned: true } => (sbyte)value,
        CIntegerType { Size: 1 } => (byte)value,
        CIntegerType { Size: 2, IsSigned: true } => (short)value,
        CIntegerType { Size: 2 } => (ushort)value,
        CIntegerType { Size: 4, IsSigned: true } => (int)value,
        CIntegerType { Size: 4 } => (uint)value,
        CBoolType => value != 0 ? 1 : 0,
        _ => value,
    };

    // ---- Tokens ----

    private CToken Current => _tokens[_position];
    private CToken Previous => _tokens[Math.Max(0, _position - 1)];
    private CToken Peek(int offset) => _tokens[Math.Min(_position + offset, _tokens.Count - 1)];

    private CToken Take()
    {
        var token = Current;
        if (token.Kind != CTokenKind.End)
            _position++;
        return token;
    }

    private void Expect(string text)
    {
        if (!Current.Is(text))
            throw ExpressionError(d => d.ReportCExpected(Current.Span, "'" + text + "'"));
        Take();
    }

    private void Report(Action<DiagnosticBag> report) => report(_diagnostics);

    // While a macro's text is tried as an integer, even errors of the type names in its casts are not errors.
    private CSyntaxError Error(Action<DiagnosticBag> report)
    {
        report(_expressionDiagnostics);
        return new CSyntaxError();
    }

    // Errors inside expressions go to a scratch bag while a #define's value is tried as an integer.
    private CSyntaxError ExpressionError(Action<DiagnosticBag> report)
    {
        report(_expressionDiagnostics);
        return new CSyntaxError();
    }
}
