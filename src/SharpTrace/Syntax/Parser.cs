using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

/// <summary>
/// Recursive-descent parser for bpftrace scripts, with C's operator precedence.
/// A syntax error is reported once and unwinds to the enclosing statement (or probe), which skips to the next
/// <c>;</c> or <c>}</c> and goes on, so independent errors are all reported in one run.
/// </summary>
internal sealed class Parser
{
    // Deeper nesting than this is reported instead of risking the stack.
    private const int MaxNesting = 200;

    private readonly SourceText _source;
    private readonly Lexer _lexer;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<(Token Token, DiagnosticBag? Errors)> _lookahead = [];
    private int _lexPosition;
    private int _nesting;
    private int _lastErrorStart = -1;

    private sealed class SyntaxErrorException : Exception;

    public Parser(SourceText source, DiagnosticBag diagnostics)
    {
        _source = source;
        _lexer = new Lexer(source);
        _diagnostics = diagnostics;
    }

    // ---- Token stream ----

    private Token Current => Peek(0);

    private Token Peek(int offset)
    {
        while (_lookahead.Count <= offset)
        {
            var errors = new DiagnosticBag(_source);
            var token = _lexer.Lex(_lexPosition, errors);
            // A bad character is reported and then skipped, as bpftrace's lexer does; its error goes with the next token.
            while (token.Kind == TokenKind.BadToken)
                token = _lexer.Lex(token.Span.End, errors);
            _lookahead.Add((token, errors.Items.Count > 0 ? errors : null));
            _lexPosition = token.Span.End;
        }
        return _lookahead[offset].Token;
    }

    /// <summary>Consumes the current token; its lexical errors are reported now (a re-scanned token's never are).</summary>
    private Token Advance()
    {
        var token = Current;
        if (token.Kind == TokenKind.EndOfFile)
            return token;
        var errors = _lookahead[0].Errors;
        _lookahead.RemoveAt(0);
        if (errors != null)
            _diagnostics.AddRange(errors.Items);
        return token;
    }

    /// <summary>Forgets the lookahead and continues lexing at a text position.</summary>
    private void ResetTo(int position)
    {
        _lookahead.Clear();
        _lexPosition = position;
    }

    private Token Expect(TokenKind kind) =>
        Current.Kind == kind ? Take() : throw Unexpected(TokenFacts.GetDisplayName(kind));

    private SyntaxErrorException Unexpected(params string[] expected)
    {
        var token = Current;
        if (token.Span.Start != _lastErrorStart)
        {
            _lastErrorStart = token.Span.Start;
            // A skipped bad character before the token is reported first, as bpftrace does.
            if (_lookahead[0].Errors is { } pending)
            {
                _diagnostics.AddRange(pending.Items);
                _lookahead[0] = (token, null);
            }
            _diagnostics.ReportUnexpectedToken(ErrorSpan(token), TokenFacts.GetDisplayName(token.Kind), expected);
        }
        return new SyntaxErrorException();
    }

    /// <summary>
    /// Where an error at a token points, as bpftrace's lexer locates tokens: from the end of the last white space
    /// (so "1+;" points at "+;"), and the end of file on the last token when nothing (not even a space) follows it.
    /// </summary>
    private TextSpan ErrorSpan(Token token)
    {
        var span = token.Kind == TokenKind.EndOfFile && _lastToken is { } last && last.End == _source.Length ? last : token.Span;
        return TextSpan.FromBounds(_lexer.StartOfRun(span.Start), span.End);
    }

    private void EnterNesting()
    {
        if (++_nesting <= MaxNesting)
            return;
        if (Current.Span.Start != _lastErrorStart)
        {
            _lastErrorStart = Current.Span.Start;
            _diagnostics.ReportNestedTooDeeply(Current.Span);
        }
        throw new SyntaxErrorException();
    }

    private TextSpan SpanFrom(int start) => TextSpan.FromBounds(start, Math.Max(start, _lastEnd));

    // End of the last consumed token, for node spans.
    private int _lastEnd;

    // Span of the last consumed token.
    private TextSpan? _lastToken;

    private Token Take()
    {
        var token = Advance();
        _lastEnd = token.Span.End;
        _lastToken = token.Span;
        return token;
    }

    // ---- Top level ----

    public ProgramNode ParseProgram()
    {
        var preprocessor = new List<PreprocessorLine>();
        var cDefinitions = new List<CDefinition>();
        ConfigBlock? config = null;
        var mapDeclarations = new List<MapDeclaration>();
        var macros = new List<MacroDefinition>();
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

        return new ProgramNode(new TextSpan(0, _source.Length), preprocessor, cDefinitions, config, mapDeclarations, macros, probes);
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
                throw Unexpected(";", "}");
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

    /// <summary><c>macro name($a, @b, c) { ... }</c></summary>
    private MacroDefinition ParseMacro()
    {
        var start = Take().Span.Start;
        var name = Take();
        Expect(TokenKind.OpenParen);
        var parameters = new List<string>();
        if (Current.Kind != TokenKind.CloseParen)
        {
            while (true)
            {
                if (Current.Kind is not (TokenKind.Variable or TokenKind.Map or TokenKind.Identifier))
                    throw Unexpected("variable", "map", "identifier");
                parameters.Add(Take().Text);
                if (Current.Kind == TokenKind.CloseParen)
                    break;
                if (Current.Kind != TokenKind.Comma)
                    throw Unexpected(")", "\",\"");
                Take();
            }
        }
        Take();
        var body = ParseBlock();
        return new MacroDefinition(SpanFrom(start), name.Text, parameters, body);
    }

    private Probe? ParseProbe()
    {
        var start = Current.Span.Start;
        var previousEnd = _lastEnd;
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

    // ---- Statements ----

    private Block ParseBlock()
    {
        var start = Expect(TokenKind.OpenBrace).Span.Start;
        _lastEnd = start + 1;
        EnterNesting();
        try
        {
            var statements = new List<Statement>();
            while (Current.Kind is not (TokenKind.CloseBrace or TokenKind.EndOfFile))
            {
                var before = Current;
                try
                {
                    statements.Add(ParseStatementWithTerminator());
                }
                catch (SyntaxErrorException)
                {
                    SkipToEndOfStatement();
                }
                if (ReferenceEquals(before, Current) && Current.Kind is not (TokenKind.CloseBrace or TokenKind.EndOfFile))
                    Take();
            }
            if (Current.Kind == TokenKind.EndOfFile)
            {
                try
                {
                    throw Unexpected("}");
                }
                catch (SyntaxErrorException)
                {
                    return new Block(SpanFrom(start), statements);
                }
            }
            Take();
            return new Block(SpanFrom(start), statements);
        }
        finally
        {
            _nesting--;
        }
    }

    private void SkipToEndOfStatement()
    {
        var depth = 0;
        while (Current.Kind != TokenKind.EndOfFile)
        {
            if (depth == 0 && Current.Kind == TokenKind.Semicolon)
            {
                Take();
                return;
            }
            if (depth == 0 && Current.Kind == TokenKind.CloseBrace)
                return;
            var token = Take();
            if (token.Kind == TokenKind.OpenBrace)
                depth++;
            else if (token.Kind == TokenKind.CloseBrace)
                depth--;
        }
    }

    /// <summary>A statement and its <c>;</c>, which may be left out before <c>}</c>; block statements need none.</summary>
    private Statement ParseStatementWithTerminator()
    {
        var statement = ParseStatement();
        if (statement is Block or IfStatement or WhileStatement or UnrollStatement or ForMapStatement or ForRangeStatement)
            return statement;
        if (Current.Kind == TokenKind.Semicolon)
            Take();
        else if (Current.Kind != TokenKind.CloseBrace)
            throw Unexpected("}");
        return statement;
    }

    private Statement ParseStatement()
    {
        var token = Current;
        var start = token.Span.Start;
        switch (token.Kind)
        {
            case TokenKind.If:
                return ParseIf();
            case TokenKind.While:
            {
                Take();
                var condition = ParseParenthesizedCondition();
                return new WhileStatement(SpanFrom(start), condition, ParseBlock());
            }
            case TokenKind.Unroll:
            {
                Take();
                var count = ParseUnrollCount();
                return new UnrollStatement(SpanFrom(start), count, ParseBlock());
            }
            case TokenKind.For:
                return ParseFor();
            case TokenKind.Return:
            {
                Take();
                var value = Current.Kind is TokenKind.Semicolon or TokenKind.CloseBrace ? null : ParseExpression();
                return new ReturnStatement(SpanFrom(start), value);
            }
            case TokenKind.Break:
                Take();
                return new BreakStatement(token.Span);
            case TokenKind.Continue:
                Take();
                return new ContinueStatement(token.Span);
            case TokenKind.OpenBrace:
                return ParseBlock();
            case TokenKind.Identifier when token.Text == "let" && Peek(1).Kind == TokenKind.Variable:
                return ParseLet();
            case TokenKind.Semicolon or TokenKind.CloseParen or TokenKind.CloseBracket or TokenKind.Comma
                or TokenKind.Else or TokenKind.PreprocessorDirective:
                throw Unexpected("}");
        }

        var target = ParseExpression();
        if (Current.Kind == TokenKind.Equals || TokenFacts.GetCompoundOperator(Current.Kind) != null)
        {
            if (target is not (MapAccess or VariableExpression or FieldAccess or IndexExpression
                or UnaryExpression { Operator: UnaryOperator.Dereference } or Identifier { Name: "_" }))
                throw Unexpected("}");
            var compound = TokenFacts.GetCompoundOperator(Take().Kind);
            var value = ParseExpression();
            return new AssignmentStatement(SpanFrom(start), target, compound, value);
        }
        return new ExpressionStatement(target.Span, target);
    }

    private Expression ParseParenthesizedCondition()
    {
        Expect(TokenKind.OpenParen);
        var condition = ParseExpression();
        Expect(TokenKind.CloseParen);
        return condition;
    }

    /// <summary><c>(N)</c> after <c>unroll</c>: an integer, a negative one, <c>$1</c> or <c>$#</c>, as bpftrace's grammar allows.</summary>
    private Expression ParseUnrollCount()
    {
        Expect(TokenKind.OpenParen);
        var token = Current;
        Expression count;
        if (token.Kind is TokenKind.Integer or TokenKind.PositionalParameter or TokenKind.ParameterCount)
            count = ParsePrimary();
        else if (token.Kind == TokenKind.Minus && Peek(1).Kind == TokenKind.Integer)
        {
            Take();
            var integer = ParsePrimary();
            count = new UnaryExpression(SpanFrom(token.Span.Start), UnaryOperator.Negate, integer);
        }
        else
            throw Unexpected("$#", "-", "positional parameter", "integer");
        Expect(TokenKind.CloseParen);
        return count;
    }

    private IfStatement ParseIf()
    {
        var start = Take().Span.Start;
        EnterNesting();
        try
        {
            var condition = ParseParenthesizedCondition();
            var then = ParseBlock();
            Statement? @else = null;
            if (Current.Kind == TokenKind.Else)
            {
                Take();
                @else = Current.Kind switch
                {
                    TokenKind.If => ParseIf(),
                    TokenKind.OpenBrace => ParseBlock(),
                    _ => throw Unexpected("{", "if"),
                };
            }
            return new IfStatement(SpanFrom(start), condition, then, @else);
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary><c>for ($kv : @map) { }</c> or <c>for ($i : start..end) { }</c>.</summary>
    private Statement ParseFor()
    {
        var start = Take().Span.Start;
        Expect(TokenKind.OpenParen);
        var variable = Expect(TokenKind.Variable);
        Expect(TokenKind.Colon);
        var first = ParseExpression();
        if (Current.Kind == TokenKind.DotDot)
        {
            Take();
            var end = ParseExpression();
            Expect(TokenKind.CloseParen);
            return new ForRangeStatement(SpanFrom(start), variable.Text, first, end, ParseBlock());
        }
        if (first is not MapAccess { IsScalar: true } map)
            throw Unexpected("..");
        Expect(TokenKind.CloseParen);
        return new ForMapStatement(SpanFrom(start), variable.Text, map, ParseBlock());
    }

    /// <summary><c>let $x</c>, <c>let $x: type</c>, <c>let $x = value</c>.</summary>
    private LetStatement ParseLet()
    {
        var start = Take().Span.Start;
        var variable = Take();
        TypeSyntax? type = null;
        Expression? value = null;
        if (Current.Kind == TokenKind.Colon)
        {
            Take();
            type = ParseType();
        }
        if (Current.Kind == TokenKind.Equals)
        {
            Take();
            value = ParseExpression();
        }
        return new LetStatement(SpanFrom(start), variable.Text, type, value);
    }

    // ---- Expressions ----

    private Expression ParseExpression()
    {
        EnterNesting();
        try
        {
            var condition = ParseBinary(1);
            if (Current.Kind != TokenKind.Question)
                return condition;
            Take();
            // "a ?: b" is "a ? a : b", as bpftrace reads it.
            if (Current.Kind == TokenKind.Colon)
            {
                Take();
                var otherwise = ParseExpression();
                return new TernaryExpression(SpanFrom(condition.Span.Start), condition, condition, otherwise);
            }
            var whenTrue = ParseExpression();
            Expect(TokenKind.Colon);
            var whenFalse = ParseExpression();
            return new TernaryExpression(SpanFrom(condition.Span.Start), condition, whenTrue, whenFalse);
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>Precedence climbing over C's binary operators; all are left-associative.</summary>
    private Expression ParseBinary(int minPrecedence)
    {
        var left = ParseUnary();
        while (true)
        {
            var kind = Current.Kind;
            var precedence = TokenFacts.GetBinaryPrecedence(kind);
            if (precedence == 0 || precedence < minPrecedence)
                return left;
            // In a predicate "/ {" is its closing slash, not a division (as is "/ /", which can't divide either).
            if (kind == TokenKind.Slash && Peek(1).Kind is TokenKind.OpenBrace or TokenKind.Slash)
                return left;
            Take();
            var right = ParseBinary(precedence + 1);
            left = new BinaryExpression(SpanFrom(left.Span.Start), TokenFacts.GetBinaryOperator(kind), left, right);
        }
    }

    private Expression ParseUnary()
    {
        var token = Current;
        UnaryOperator? op = token.Kind switch
        {
            TokenKind.Minus => UnaryOperator.Negate,
            TokenKind.Bang => UnaryOperator.LogicalNot,
            TokenKind.Tilde => UnaryOperator.BitwiseNot,
            TokenKind.Star => UnaryOperator.Dereference,
            TokenKind.Ampersand => UnaryOperator.AddressOf,
            _ => null,
        };
        if (op == null && token.Kind is not (TokenKind.PlusPlus or TokenKind.MinusMinus) && !IsCastAhead())
            return ParsePostfix();

        EnterNesting();
        try
        {
            Take();
            if (op is { } unary)
                return new UnaryExpression(SpanFrom(token.Span.Start), unary, ParseUnary());
            if (token.Kind is TokenKind.PlusPlus or TokenKind.MinusMinus)
            {
                var target = ParsePostfix();
                CheckIncrementTarget(target, token, token.Span);
                return new IncrementExpression(SpanFrom(token.Span.Start), target, token.Kind == TokenKind.PlusPlus, IsPrefix: true);
            }
            var type = ParseType();
            Expect(TokenKind.CloseParen);
            return new CastExpression(SpanFrom(token.Span.Start), type, ParseUnary());
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>bpftrace points at the operator of "++x" but at the operand of "x++".</summary>
    private void CheckIncrementTarget(Expression target, Token op, TextSpan span)
    {
        if (target is not (MapAccess or VariableExpression or FieldAccess or IndexExpression))
            _diagnostics.ReportInvalidIncrementTarget(span, op.Text);
    }

    // Builtin variables are never a cast's type, so "(pid) - 1" subtracts.
    private static readonly HashSet<string> BuiltinVariables =
    [
        "pid", "tid", "uid", "gid", "nsecs", "elapsed", "numaid", "cpu", "ncpus", "comm", "kstack", "ustack", "stack",
        "retval", "func", "probe", "curtask", "rand", "ctx", "username", "args", "cgroup", "cpid", "jiffies", "usermode",
        "arg0", "arg1", "arg2", "arg3", "arg4", "arg5", "arg6", "arg7", "arg8", "arg9",
    ];

    private static readonly HashSet<string> BuiltinTypes =
    [
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "string", "void",
        "inet", "buffer", "str_t", "buf_t", "inet_t", "macaddr_t", "timestamp_t", "ksym_t", "usym_t", "cgroup_path_t",
        "strerror_t", "count_t", "sum_t", "min_t", "max_t", "avg_t", "stats_t", "usum_t", "umin_t", "umax_t", "uavg_t",
        "ustats_t", "ucount_t",
    ];

    private bool IsTypeAt(int offset) =>
        Peek(offset).Kind is TokenKind.Struct or TokenKind.Union or TokenKind.Enum
        || (Peek(offset).Kind == TokenKind.Identifier && BuiltinTypes.Contains(Peek(offset).Text));

    /// <summary>
    /// Is "(" the start of a cast? Yes for "(struct ...", "(int32...", "(name *...)"; for "(name)" when an operand
    /// follows and name is not a builtin variable (bpftrace reads "(FOO) * 2" as a cast of "*2").
    /// </summary>
    private bool IsCastAhead()
    {
        if (Current.Kind != TokenKind.OpenParen)
            return false;
        if (IsTypeAt(1))
            return Peek(2).Kind is TokenKind.CloseParen or TokenKind.Star or TokenKind.OpenBracket or TokenKind.Identifier;
        if (Peek(1).Kind != TokenKind.Identifier || BuiltinVariables.Contains(Peek(1).Text))
            return false;
        var offset = 2;
        while (Peek(offset).Kind == TokenKind.Star)
            offset++;
        if (Peek(offset).Kind != TokenKind.CloseParen)
            return false;
        return offset > 2 || CanStartOperand(Peek(offset + 1).Kind);
    }

    private static bool CanStartOperand(TokenKind kind) => kind is
        TokenKind.Identifier or TokenKind.Integer or TokenKind.String or TokenKind.Variable or TokenKind.Map
        or TokenKind.PositionalParameter or TokenKind.ParameterCount or TokenKind.OpenParen or TokenKind.True
        or TokenKind.False or TokenKind.Sizeof or TokenKind.Offsetof or TokenKind.Minus or TokenKind.Star
        or TokenKind.Ampersand or TokenKind.Bang or TokenKind.Tilde or TokenKind.PlusPlus or TokenKind.MinusMinus;

    /// <summary><c>int32</c>, <c>struct task_struct *</c>, <c>uint8[4]</c>.</summary>
    private TypeSyntax ParseType()
    {
        var start = Current.Span.Start;
        string name;
        if (Current.Kind is TokenKind.Struct or TokenKind.Union or TokenKind.Enum)
        {
            var keyword = Take().Text;
            name = keyword + " " + Expect(TokenKind.Identifier).Text;
        }
        else
            name = Expect(TokenKind.Identifier).Text;
        var pointerDepth = 0;
        while (Current.Kind == TokenKind.Star)
        {
            Take();
            pointerDepth++;
        }
        int? arrayLength = null;
        if (Current.Kind == TokenKind.OpenBracket)
        {
            Take();
            arrayLength = 0;
            if (Current.Kind == TokenKind.Integer)
                arrayLength = (int)Math.Min((ulong)int.MaxValue, (ulong)Take().Value!);
            Expect(TokenKind.CloseBracket);
        }
        return new TypeSyntax(SpanFrom(start), name, pointerDepth, arrayLength);
    }

    private Expression ParsePostfix()
    {
        // A member of a parenthesized expression starts at its "(", as bpftrace reports it.
        var start = Current.Span.Start;
        var expression = ParsePrimary();
        while (true)
        {
            switch (Current.Kind)
            {
                case TokenKind.Dot or TokenKind.Arrow:
                {
                    var isArrow = Take().Kind == TokenKind.Arrow;
                    var field = Current.Kind == TokenKind.Identifier || Current.Kind == TokenKind.Integer && !isArrow
                        || TokenFacts.Keywords.ContainsKey(Current.Text)
                        ? Take()
                        : throw Unexpected();
                    expression = new FieldAccess(SpanFrom(start), expression, field.Text, isArrow);
                    break;
                }
                case TokenKind.OpenBracket:
                {
                    Take();
                    var index = ParseExpression();
                    Expect(TokenKind.CloseBracket);
                    expression = new IndexExpression(SpanFrom(start), expression, index);
                    break;
                }
                case TokenKind.PlusPlus or TokenKind.MinusMinus:
                {
                    var op = Take();
                    CheckIncrementTarget(expression, op, expression.Span);
                    expression = new IncrementExpression(SpanFrom(start), expression, op.Kind == TokenKind.PlusPlus, IsPrefix: false);
                    break;
                }
                default:
                    return expression;
            }
        }
    }

    private Expression ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
                Take();
                return new IntegerLiteral(token.Span, (ulong)token.Value!, token.Text);
            case TokenKind.String:
                Take();
                return new StringLiteral(token.Span, (string)token.Value!);
            case TokenKind.True or TokenKind.False:
                Take();
                return new BooleanLiteral(token.Span, token.Kind == TokenKind.True);
            case TokenKind.Identifier:
                Take();
                if (Current.Kind != TokenKind.OpenParen)
                    return new Identifier(token.Span, token.Text);
                var arguments = ParseList(TokenKind.OpenParen, TokenKind.CloseParen, allowEmpty: true);
                return new CallExpression(SpanFrom(token.Span.Start), token.Text, token.Span, arguments);
            case TokenKind.Variable:
                Take();
                return new VariableExpression(token.Span, token.Text);
            case TokenKind.PositionalParameter:
                Take();
                return new PositionalParameter(token.Span, (int)(ulong)token.Value!);
            case TokenKind.ParameterCount:
                Take();
                return new PositionalParameterCount(token.Span);
            case TokenKind.Map:
            {
                Take();
                IReadOnlyList<Expression> keys = Current.Kind == TokenKind.OpenBracket
                    ? ParseList(TokenKind.OpenBracket, TokenKind.CloseBracket, allowEmpty: false)
                    : [];
                return new MapAccess(SpanFrom(token.Span.Start), token.Text, keys);
            }
            case TokenKind.OpenParen:
                return ParseParenthesized();
            case TokenKind.Sizeof:
            {
                Take();
                Expect(TokenKind.OpenParen);
                var type = IsTypeAt(0) ? ParseType() : null;
                var operand = type == null ? ParseExpression() : null;
                Expect(TokenKind.CloseParen);
                return new SizeofExpression(SpanFrom(token.Span.Start), type, operand);
            }
            case TokenKind.Offsetof:
            {
                Take();
                Expect(TokenKind.OpenParen);
                var type = Current.Kind is TokenKind.Struct or TokenKind.Union ? ParseType() : null;
                var operand = type == null ? ParseExpression() : null;
                Expect(TokenKind.Comma);
                var path = new List<string> { Expect(TokenKind.Identifier).Text };
                while (Current.Kind == TokenKind.Dot)
                {
                    Take();
                    path.Add(Expect(TokenKind.Identifier).Text);
                }
                Expect(TokenKind.CloseParen);
                return new OffsetofExpression(SpanFrom(token.Span.Start), type, operand, path);
            }
            default:
                throw Unexpected();
        }
    }

    /// <summary>"(" expressions separated by "," ")", as in calls and map keys.</summary>
    private IReadOnlyList<Expression> ParseList(TokenKind open, TokenKind close, bool allowEmpty)
    {
        Expect(open);
        var items = new List<Expression>();
        if (allowEmpty && Current.Kind == close)
        {
            Take();
            return items;
        }
        while (true)
        {
            items.Add(ParseExpression());
            if (Current.Kind == close)
            {
                Take();
                return items;
            }
            if (Current.Kind != TokenKind.Comma)
                throw Unexpected(TokenFacts.GetDisplayName(close), TokenFacts.GetDisplayName(TokenKind.Comma));
            Take();
        }
    }

    /// <summary><c>(expr)</c>, a tuple <c>(a, b)</c> (<c>(a,)</c> has one element), or a record <c>(x=a, y=b)</c>.</summary>
    private Expression ParseParenthesized()
    {
        var start = Take().Span.Start;
        if (Current.Kind == TokenKind.Identifier && Peek(1).Kind == TokenKind.Equals)
        {
            var fields = new List<(string, Expression)>();
            while (true)
            {
                var name = Expect(TokenKind.Identifier).Text;
                Expect(TokenKind.Equals);
                fields.Add((name, ParseExpression()));
                if (Current.Kind == TokenKind.CloseParen)
                    break;
                if (Current.Kind != TokenKind.Comma)
                    throw Unexpected(")", "\",\"");
                Take();
            }
            Take();
            return new RecordExpression(SpanFrom(start), fields);
        }

        if (Current.Kind == TokenKind.CloseParen)
        {
            Take();
            return new TupleExpression(SpanFrom(start), []);
        }
        var first = ParseExpression();
        if (Current.Kind == TokenKind.CloseParen)
        {
            Take();
            return first;
        }
        var elements = new List<Expression> { first };
        while (Current.Kind == TokenKind.Comma)
        {
            Take();
            if (Current.Kind == TokenKind.CloseParen)
                break;
            elements.Add(ParseExpression());
        }
        if (Current.Kind != TokenKind.CloseParen)
            throw Unexpected(")", "\",\"");
        Take();
        return new TupleExpression(SpanFrom(start), elements);
    }
}
