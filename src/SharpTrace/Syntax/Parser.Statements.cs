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
    /// <c>;</c> after it, which is the block's value.
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
                    // No value: "{ }" or "{ $a = 1; }". The "}" is taken, so recovery goes on after the block.
                    _diagnostics.ReportBlockExpressionWithoutValue(ErrorSpan(Take()));
                    throw new SyntaxErrorException();
                }
                var statement = ParseStatement();
                if (statement is ExpressionStatement { Expression: var value } && Current.Kind == TokenKind.CloseBrace)
                {
                    Take();
                    return new BlockExpression(SpanFrom(start), statements, value);
                }
                if (statement is not (Block or IfStatement or WhileStatement or UnrollStatement or ForMapStatement or ForRangeStatement))
                    Expect(TokenKind.Semicolon);
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

    /// <summary>
    /// <c>for ($kv : @map) { }</c> or <c>for ($i : start..end) { }</c>; the parentheses may be left out
    /// (<c>for $i : 1..$n { }</c>), as the newest bpftrace's parser allows.
    /// </summary>
    private Statement ParseFor()
    {
        var start = Take().Span.Start;
        var parenthesized = Current.Kind == TokenKind.OpenParen;
        if (parenthesized)
            Take();
        var variable = Expect(TokenKind.Variable);
        Expect(TokenKind.Colon);
        var first = ParseExpression();
        if (Current.Kind == TokenKind.DotDot)
        {
            Take();
            var end = ParseExpression();
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
