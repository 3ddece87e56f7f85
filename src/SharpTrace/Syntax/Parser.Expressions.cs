using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

// Expressions with C's operator precedence, casts and type names.
internal sealed partial class Parser
{
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
        for (var chain = 0; ; chain++)
        {
            var kind = Current.Kind;
            var precedence = TokenFacts.GetBinaryPrecedence(kind);
            if (precedence == 0 || precedence < minPrecedence)
                return left;
            // In a predicate "/ {" is its closing slash, not a division (as is "/ /", which can't divide either).
            if (kind == TokenKind.Slash && Peek(1).Kind is TokenKind.OpenBrace or TokenKind.Slash)
                return left;
            if (chain == MaxChain)
            {
                _diagnostics.ReportNestedTooDeeply(Current.Span);
                throw new SyntaxErrorException();
            }
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
        // `comptime e` (the newest bpftrace's keyword) binds as tightly as the other prefix operators.
        if (IsComptimeAt(0))
            op = UnaryOperator.Comptime;
        if (op == null && token.Kind is not (TokenKind.PlusPlus or TokenKind.MinusMinus) && !IsCastAhead())
            return ParsePostfix();

        EnterNesting();
        try
        {
            Take();
            if (op is UnaryOperator.Comptime)
            {
                // Spans the operand too: "Unable to resolve comptime expression" underlines the whole expression.
                var operand = ParseUnary();
                return new UnaryExpression(SpanFrom(token.Span.Start), UnaryOperator.Comptime, operand);
            }
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

    private bool IsComptimeAt(int offset) => Peek(offset) is { Kind: TokenKind.Identifier, Text: "comptime" } && CanStartOperand(Peek(offset + 1).Kind);

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
        "strerror_t", "username_t", "count_t", "sum_t", "min_t", "max_t", "avg_t", "stats_t", "usum_t", "umin_t", "umax_t", "uavg_t",
        "ustats_t", "ucount_t",
    ];

    private bool IsTypeAt(int offset) =>
        Peek(offset).Kind is TokenKind.Struct or TokenKind.Union or TokenKind.Enum
        || (Peek(offset).Kind == TokenKind.Identifier && BuiltinTypes.Contains(Peek(offset).Text))
        || IsTypeofAt(offset);

    private bool IsTypeofAt(int offset) => Peek(offset) is { Kind: TokenKind.Identifier, Text: "typeof" } && Peek(offset + 1).Kind == TokenKind.OpenParen;

    /// <summary>The offset of the token after the ")" closing the "(" at <paramref name="open"/>.</summary>
    private int AfterParentheses(int open)
    {
        var depth = 0;
        for (var offset = open; ; offset++)
        {
            var kind = Peek(offset).Kind;
            if (kind == TokenKind.EndOfFile)
                return offset;
            depth += kind == TokenKind.OpenParen ? 1 : kind == TokenKind.CloseParen ? -1 : 0;
            if (depth == 0)
                return offset + 1;
        }
    }

    /// <summary>
    /// Is "(" the start of a cast? Yes for "(struct ...", "(int32...", "(name *...)"; for "(name)" when an operand
    /// follows and name is not a builtin variable (bpftrace reads "(FOO) * 2" as a cast of "*2").
    /// </summary>
    private bool IsCastAhead()
    {
        if (Current.Kind != TokenKind.OpenParen)
            return false;
        if (IsTypeofAt(1))
        {
            var after = AfterParentheses(2);
            return Peek(after).Kind == TokenKind.CloseParen && CanStartOperand(Peek(after + 1).Kind);
        }
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

    /// <summary><c>int32</c>, <c>struct task_struct *</c>, <c>uint8[4]</c>, <c>typeof(expression or type)</c>.</summary>
    private TypeSyntax ParseType()
    {
        var start = Current.Span.Start;
        if (IsTypeofAt(0))
        {
            Take();
            Expect(TokenKind.OpenParen);
            // typeof(type) is that type; typeof(expression) the expression's, which the binder finds.
            var inner = (IsTypeAt(0) && !IsTypeofAt(0)) || IsNamedPointerTypeAt(0) ? ParseType() : null;
            var of = inner is null ? ParseExpression() : null;
            Expect(TokenKind.CloseParen);
            return inner is not null ? inner with { Span = SpanFrom(start) } : new TypeSyntax(SpanFrom(start), "typeof", 0, null) { Of = of };
        }
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
        var outerPointerDepth = 0;
        while (arrayLength is not null && Current.Kind == TokenKind.Star)
        {
            Take();
            outerPointerDepth++;
        }
        return new TypeSyntax(SpanFrom(start), name, pointerDepth, arrayLength) { OuterPointerDepth = outerPointerDepth };
    }

    /// <summary>
    /// A call's argument <c>typeof(type or expression)</c>: a type passed to a macro, which substitutes it where its body
    /// uses the parameter as a type; anywhere else the binder refuses it, as bpftrace does.
    /// </summary>
    private TypeExpression ParseTypeArgument()
    {
        var type = ParseType();
        return new TypeExpression(type.Span, type) { IsTypeof = true };
    }

    /// <summary>Is a name followed by <c>*</c>s and <c>)</c> ahead (<c>sizeof(t*)</c>, <c>typeof(mytype *)</c>)? It names a pointer type.</summary>
    private bool IsNamedPointerTypeAt(int offset)
    {
        if (Peek(offset).Kind != TokenKind.Identifier || Peek(offset + 1).Kind != TokenKind.Star)
            return false;
        offset++;
        while (Peek(offset).Kind == TokenKind.Star)
            offset++;
        return Peek(offset).Kind == TokenKind.CloseParen;
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
                var arguments = ParseList(TokenKind.OpenParen, TokenKind.CloseParen, allowEmpty: true, typeArguments: true);
                return new CallExpression(SpanFrom(token.Span.Start), token.Text, token.Span, arguments);
            case TokenKind.Struct or TokenKind.Union or TokenKind.Enum:
                // Only a builtin's argument (container_of's type); the binder refuses it anywhere else.
            {
                var type = ParseType();
                return new TypeExpression(type.Span, type);
            }
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
            case TokenKind.OpenBrace:
                return ParseBlockExpression();
            case TokenKind.Sizeof:
            {
                Take();
                Expect(TokenKind.OpenParen);
                var type = IsTypeAt(0) || IsNamedPointerTypeAt(0) ? ParseType() : null;
                var operand = type == null ? ParseExpression() : null;
                Expect(TokenKind.CloseParen);
                return new SizeofExpression(SpanFrom(token.Span.Start), type, operand);
            }
            case TokenKind.Offsetof:
            {
                Take();
                Expect(TokenKind.OpenParen);
                var type = Current.Kind is TokenKind.Struct or TokenKind.Union || IsTypeofAt(0) ? ParseType() : null;
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
    private IReadOnlyList<Expression> ParseList(TokenKind open, TokenKind close, bool allowEmpty, bool typeArguments = false)
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
            items.Add(typeArguments && IsTypeofAt(0) ? ParseTypeArgument() : ParseExpression());
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
