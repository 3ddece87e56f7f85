namespace SharpTrace.Syntax;

/// <summary>
/// Recursive-descent parser for bpftrace scripts, with C's operator precedence.
/// A syntax error is reported once and unwinds to the enclosing statement (or probe), which skips to the next
/// <c>;</c> or <c>}</c> and goes on, so independent errors are all reported in one run.
/// </summary>
internal sealed partial class Parser
{
    // Deeper nesting than this is reported instead of risking the stack.
    private const int MaxNesting = 200;

    // A chain of binary operators (1 + 2 + ... ) parses in a loop but makes a left-deep tree that every later pass
    // walks recursively: longer chains are reported too. bpftrace compiles chains of 1,000 terms.
    private const int MaxChain = 1024;

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

    private SyntaxErrorException Unexpected(params string[] expected) =>
        ErrorAtCurrent(token => _diagnostics.ReportUnexpectedToken(ErrorSpan(token), TokenFacts.GetDisplayName(token.Kind), expected));

    /// <summary>
    /// A statement followed by neither <c>;</c> nor <c>}</c>: the newest bpftrace's "expected ';'", at what follows the
    /// statement as its hand-written parser measures it (a name, a variable or map, a number, else one character;
    /// nothing at the end of the text).
    /// </summary>
    private SyntaxErrorException MissingSemicolon() => ErrorAtCurrent(token =>
    {
        var start = token.Kind == TokenKind.EndOfFile ? _source.Length : token.Span.Start;
        _diagnostics.ReportMissingSemicolon(TextSpan.FromBounds(start, WordEnd(start)));
    });

    /// <summary>Reports a syntax error at the current token once (not again when recovery stops at the same place).</summary>
    private SyntaxErrorException ErrorAtCurrent(Action<Token> report)
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
            report(token);
        }
        return new SyntaxErrorException();
    }

    private int WordEnd(int start)
    {
        if (start >= _source.Length)
            return start;
        static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
        var c = _source[start];
        var i = start + 1;
        if (char.IsAsciiLetter(c) || c == '_' || c is '$' or '@')
            while (i < _source.Length && IsNameChar(_source[i]))
                i++;
        else if (char.IsAsciiDigit(c))
            while (i < _source.Length && (char.IsAsciiLetterOrDigit(_source[i]) || _source[i] == '.'))
                i++;
        return i;
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
}
