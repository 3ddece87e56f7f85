using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

// The top level: C definitions, config, map declarations, macros and probes with their attach points.
internal sealed partial class Parser
{
    public ProgramNode ParseProgram()
    {
        var preprocessor = new List<PreprocessorLine>();
        var cDefinitions = new List<CDefinition>();
        ConfigBlock? config = null;
        var mapDeclarations = new List<MapDeclaration>();
        var macros = new List<MacroDefinition>();
        var imports = new List<ImportDirective>();
        var probes = new List<Probe>();

        while (Current.Kind != TokenKind.EndOfFile)
        {
            var token = Current;
            try
            {
                switch (token.Kind)
                {
                    case TokenKind.PreprocessorDirective:
                        Take();
                        preprocessor.Add(new PreprocessorLine(token.Span, token.Text));
                        break;
                    case TokenKind.Struct or TokenKind.Union or TokenKind.Enum:
                        cDefinitions.Add(ParseCDefinition());
                        break;
                    case TokenKind.Identifier when token.Text == "config" && Peek(1).Kind == TokenKind.Equals:
                        var block = ParseConfig();
                        if (config == null)
                            config = block;
                        else
                            _diagnostics.ReportDuplicateConfigBlock(block.Span);
                        break;
                    case TokenKind.Identifier when token.Text == "let" && Peek(1).Kind == TokenKind.Map:
                        mapDeclarations.Add(ParseMapDeclaration());
                        break;
                    case TokenKind.Identifier when token.Text == "import" && Peek(1).Kind == TokenKind.String:
                        ParseImport(imports, mapDeclarations.Count + macros.Count + probes.Count > 0);
                        break;
                    case TokenKind.Identifier when token.Text == "macro" && Peek(1).Kind == TokenKind.Identifier:
                        macros.Add(ParseMacro());
                        break;
                    default:
                        if (ParseProbe() is { } probe)
                            probes.Add(probe);
                        break;
                }
            }
            catch (SyntaxErrorException)
            {
                SkipToEndOfTopLevelItem();
            }
        }
        // Errors found while lexing the end (an unterminated comment).
        if (_lookahead.Count > 0 && _lookahead[0].Errors is { } endErrors)
            _diagnostics.AddRange(endErrors.Items);

        return new ProgramNode(new TextSpan(0, _source.Length), preprocessor, cDefinitions, config, mapDeclarations, macros, probes) { Imports = imports };
    }

    private void SkipToEndOfTopLevelItem()
    {
        var depth = 0;
        while (Current.Kind != TokenKind.EndOfFile)
        {
            var token = Take();
            if (token.Kind == TokenKind.OpenBrace)
                depth++;
            else if (token.Kind == TokenKind.CloseBrace && --depth <= 0)
                return;
        }
    }

    /// <summary>A C struct/union/enum definition, kept as text: up to its matching <c>}</c> (and <c>;</c>), or to a <c>;</c>.</summary>
    private CDefinition ParseCDefinition()
    {
        var keyword = Current;
        var start = keyword.Span.Start;
        var position = keyword.Span.End;
        var depth = 0;
        var scratch = new DiagnosticBag(_source);
        while (true)
        {
            position = _lexer.SkipTrivia(position, scratch);
            if (position >= _source.Length)
            {
                _diagnostics.ReportUnterminatedCDefinition(keyword.Span, keyword.Text);
                ResetTo(position);
                return new CDefinition(TextSpan.FromBounds(start, position), _source.Text[start..position]);
            }
            var c = _source[position++];
            if (c == '{')
                depth++;
            else if (c == '}' && --depth == 0)
            {
                var after = _lexer.SkipTrivia(position, scratch);
                // `} __attribute__((packed))`, as the newest bpftrace's C parser takes it after a definition: part of
                // the definition's text, for the C reader to honour.
                while (AttributeEnd(after, scratch) is { } end)
                {
                    position = end;
                    after = _lexer.SkipTrivia(position, scratch);
                }
                if (after < _source.Length && _source[after] == ';')
                    position = after + 1;
                break;
            }
            else if (c == ';' && depth == 0)
                break;
        }
        ResetTo(position);
        _lastEnd = position;
        var span = TextSpan.FromBounds(start, position);
        return new CDefinition(span, _source.ToString(span));
    }

    /// <summary>Where <c>__attribute__((…))</c> starting at <paramref name="at"/> ends, or null when none starts there.</summary>
    private int? AttributeEnd(int at, DiagnosticBag scratch)
    {
        var text = _source.Text;
        var word = at;
        while (word < text.Length && (char.IsAsciiLetterOrDigit(text[word]) || text[word] == '_'))
            word++;
        if (text[at..word] is not ("__attribute__" or "__attribute"))
            return null;
        var position = _lexer.SkipTrivia(word, scratch);
        if (position >= text.Length || text[position] != '(')
            return null;
        var depth = 0;
        for (; position < text.Length; position++)
        {
            if (text[position] == '(')
                depth++;
            else if (text[position] == ')' && --depth == 0)
                return position + 1;
        }
        return null;
    }

    private ConfigBlock ParseConfig()
    {
        var start = Take().Span.Start;
        Expect(TokenKind.Equals);
        Expect(TokenKind.OpenBrace);
        var entries = new List<ConfigEntry>();
        while (Current.Kind != TokenKind.CloseBrace)
        {
            var key = Current.Kind == TokenKind.Identifier ? Take() : throw Unexpected("}", "identifier");
            Expect(TokenKind.Equals);
            var value = ParseExpression();
            entries.Add(new ConfigEntry(SpanFrom(key.Span.Start), key.Text, value));
            if (Current.Kind == TokenKind.Semicolon)
                Take();
            else if (Current.Kind != TokenKind.CloseBrace)
                throw MissingSemicolon();
        }
        Take();
        return new ConfigBlock(SpanFrom(start), entries);
    }

    /// <summary><c>let @m = hash(100);</c></summary>
    private MapDeclaration ParseMapDeclaration()
    {
        var start = Take().Span.Start;
        var map = Take();
        Expect(TokenKind.Equals);
        var kind = Expect(TokenKind.Identifier);
        Expect(TokenKind.OpenParen);
        Expression? maxEntries = Current.Kind == TokenKind.CloseParen ? null : ParseExpression();
        Expect(TokenKind.CloseParen);
        var declaration = new MapDeclaration(SpanFrom(start), map.Text, kind.Text, maxEntries);
        if (Current.Kind == TokenKind.Semicolon)
            Take();
        return declaration;
    }

    private Probe? ParseProbe()
    {
        var start = Current.Span.Start;
        var previousEnd = _lastEnd;
        // A bad character skipped before the probe ("#" in "BEGIN { } #!x { }") is reported before the lookahead that
        // holds its error is dropped.
        if (_lookahead[0].Errors is { } skipped)
            _diagnostics.AddRange(skipped.Items);
        ResetTo(start);
        var attachPoints = new List<AttachPoint>();
        var position = start;
        while (_lexer.ScanAttachPoint(ref position, _diagnostics) is { } attachPoint)
        {
            attachPoints.Add(attachPoint);
            position = _lexer.SkipTrivia(position, _diagnostics);
            if (position >= _source.Length || _source[position] != ',')
                break;
            position = _lexer.SkipTrivia(position + 1, _diagnostics);
        }
        ResetTo(position);
        _lastEnd = position;

        if (attachPoints.Count == 0)
        {
            if (Current.Kind != TokenKind.OpenBrace)
                throw Unexpected("{");
            _diagnostics.ReportNoAttachPoints(new TextSpan(Current.Span.Start, 0));
            _lastErrorStart = Current.Span.Start;
            ParseBlock();
            return null;
        }

        Expression? predicate = null;
        if (Current.Kind == TokenKind.Slash)
        {
            Take();
            predicate = ParseExpression();
            if (Current.Kind != TokenKind.Slash)
                throw Unexpected("end predicate");
            Take();
        }
        else if (Current.Kind == TokenKind.EndOfFile)
        {
            // bpftrace's location runs from the end of the previous token to the end of the text.
            _diagnostics.ReportMissingProbeBody(TextSpan.FromBounds(Math.Min(previousEnd, start), _source.Length));
            _lastErrorStart = Current.Span.Start;
            return null;
        }
        var body = ParseBlock();
        return new Probe(SpanFrom(start), attachPoints, predicate, body);
    }
}
