using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

// Statements and blocks, with error recovery at the statement.
internal sealed partial class Parser
{
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

    /// <summary>
    /// <c>{ statements; value }</c> where an expression is expected: the last statement is an expression without a
    /// <c>;</c> after it, which is the block's value. A block without one (<c>{ }</c>, <c>{ $a = 1; }</c>) is a block of
    /// no value, as the newest bpftrace's parser makes it: the binder refuses it where a value is needed, and a
    /// missing <c>;</c> after it is the parser's usual error over the next token.
    /// </summary>
    private BlockExpression ParseBlockExpression()
    {
        var start = Take().Span.Start;
        EnterNesting();
        try
        {
            var statements = new List<Statement>();
            while (true)
            {
                if (Current.Kind == TokenKind.CloseBrace)
                {
                    Take();
                    return new BlockExpression(SpanFrom(start), statements, null);
                }
                var statement = ParseStatement();
                if (statement is ExpressionStatement { Expression: var value } && Current.Kind == TokenKind.CloseBrace)
                {
                    Take();
                    return new BlockExpression(SpanFrom(start), statements, value);
                }
                if (statement is not (Block or IfStatement or WhileStatement or UnrollStatement or ForMapStatement or ForRangeStatement))
                {
                    // "{ $a = 1; $b = 2 }" has no value either, as "{ $a = 1; }".
                    if (Current.Kind is not (TokenKind.Semicolon or TokenKind.CloseBrace))
                        throw MissingSemicolon();
                    if (Current.Kind == TokenKind.Semicolon)
                        Take();
                }
                statements.Add(statement);
            }
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

    /// <summary>
    /// A statement and its <c>;</c>, which may be left out before <c>}</c>; block statements need none. A block or an
    /// <c>if</c> may have one (<c>{ $a = 1; };</c>), as the newest bpftrace parses both as expressions (0.17: "syntax
    /// error, unexpected ;, expecting }"); its loops may not.
    /// </summary>
    private Statement ParseStatementWithTerminator()
    {
        var statement = ParseStatement();
        if (statement is Block or IfStatement && Current.Kind == TokenKind.Semicolon)
        {
            Take();
            return statement;
        }
        if (statement is Block or IfStatement or WhileStatement or UnrollStatement or ForMapStatement or ForRangeStatement)
            return statement;
        if (Current.Kind == TokenKind.Semicolon)
            Take();
        else if (Current.Kind != TokenKind.CloseBrace)
            throw MissingSemicolon();
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
                var condition = ParseCondition();
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
            // As in the newest bpftrace, a statement that starts with neither a variable nor a map is an expression:
            // "(1, 0) = 0" and "0.1 = 1.0" miss a ";" before the "=".
            var fromVariableOrMap = token.Kind is TokenKind.Variable or TokenKind.Map;
            if (target is not (MapAccess or VariableExpression or UnaryExpression { Operator: UnaryOperator.Dereference }
                or Identifier { Name: "_" })
                && !(fromVariableOrMap && target is FieldAccess or IndexExpression))
                throw MissingSemicolon();
            var compound = TokenFacts.GetCompoundOperator(Take().Kind);
            var value = ParseExpression();
            return new AssignmentStatement(SpanFrom(start), target, compound, value);
        }
        return new ExpressionStatement(target.Span, target);
    }

    /// <summary>
    /// An <c>if</c> or <c>while</c> condition, as the newest bpftrace reads it: <c>(expression)</c>, or without
    /// parentheses a unary expression (<c>if $x {</c>, <c>if !$x {</c>, <c>if f($x) {</c>), so that the block's
    /// <c>{</c> is never taken into a binary expression (<c>if $x > 1 {</c> needs the parentheses).
    /// </summary>
    private Expression ParseCondition()
    {
        if (Current.Kind != TokenKind.OpenParen)
            return ParseUnary();
        Take();
        var condition = ParseExpression();
        Expect(TokenKind.CloseParen);
        return condition;
    }

    /// <summary>
    /// <c>(N)</c> or, as the newest bpftrace also reads it, <c>N</c> after <c>unroll</c>: an integer, a negative one,
    /// <c>$1</c> or <c>$#</c>, as bpftrace's grammar allows.
    /// </summary>
    private Expression ParseUnrollCount()
    {
        var parenthesized = Current.Kind == TokenKind.OpenParen;
        if (parenthesized)
            Take();
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
        if (parenthesized)
            Expect(TokenKind.CloseParen);
        return count;
    }

    private IfStatement ParseIf()
    {
        var start = Take().Span.Start;
        EnterNesting();
        try
        {
            // `if comptime e { }` and `if $x { }` need no parentheses: a unary expression, as the reference parses them.
            var condition = ParseCondition();
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

    /// <summary>
    /// <c>for ($kv : @map) { }</c> or <c>for ($i : start..end) { }</c>; the newest bpftrace also reads the header
    /// without parentheses, its map or range ends then primary expressions (<c>for $i : 0..($n + 1) {</c>).
    /// </summary>
    private Statement ParseFor()
    {
        var start = Take().Span.Start;
        var parenthesized = Current.Kind == TokenKind.OpenParen;
        if (parenthesized)
            Take();
        var variable = Expect(TokenKind.Variable);
        Expect(TokenKind.Colon);
        var first = parenthesized ? ParseExpression() : ParsePrimary();
        if (Current.Kind == TokenKind.DotDot)
        {
            Take();
            var end = parenthesized ? ParseExpression() : ParsePrimary();
            if (parenthesized)
                Expect(TokenKind.CloseParen);
            return new ForRangeStatement(SpanFrom(start), variable.Text, first, end, ParseBlock());
        }
        if (first is not MapAccess { IsScalar: true } map)
            throw Unexpected("..");
        if (parenthesized)
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
}
