using SharpTrace.Syntax;

namespace SharpTrace.Tests.Syntax;

public class LexerTests
{
    private static IReadOnlyList<Token> Lex(string text, out IReadOnlyList<Diagnostic> diagnostics)
    {
        var bag = new DiagnosticBag(new SourceText(text));
        var tokens = Lexer.Tokenize(bag.Source, bag);
        diagnostics = bag.Items;
        return tokens;
    }

    private static Token Single(string text)
    {
        var tokens = Lex(text, out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal(2, tokens.Count);
        Assert.Equal(TokenKind.EndOfFile, tokens[1].Kind);
        return tokens[0];
    }

    // Theory parameters are object: the enums are internal to the library and test methods must be public.
    public static TheoryData<string, object> FixedTokens()
    {
        var data = new TheoryData<string, object>();
        foreach (var (text, kind) in TokenFacts.Operators)
            data.Add(text, kind);
        foreach (var (text, kind) in TokenFacts.Keywords)
            data.Add(text, kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(FixedTokens))]
    public void LexesEveryOperatorAndKeyword(string text, object kind)
    {
        var token = Single(text);
        Assert.Equal((TokenKind)kind, token.Kind);
        Assert.Equal(text, token.Text);
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("42", 42UL)]
    [InlineData("0x1F", 31UL)]
    [InlineData("0XdeadBEEF", 0xdeadbeefUL)]
    [InlineData("0777", 511UL)]
    [InlineData("1_000_000", 1_000_000UL)]
    [InlineData("2e3", 2000UL)]
    [InlineData("123UL", 123UL)]
    [InlineData("5u", 5UL)]
    [InlineData("7LL", 7UL)]
    [InlineData("0x10ull", 16UL)]
    [InlineData("100ns", 100UL)]
    [InlineData("3us", 3_000UL)]
    [InlineData("2ms", 2_000_000UL)]
    [InlineData("1s", 1_000_000_000UL)]
    [InlineData("1m", 60_000_000_000UL)]
    [InlineData("1h", 3_600_000_000_000UL)]
    [InlineData("1d", 86_400_000_000_000UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void LexesIntegerLiterals(string text, ulong value)
    {
        var token = Single(text);
        Assert.Equal(TokenKind.Integer, token.Kind);
        Assert.Equal(value, token.Value);
        Assert.Equal(text, token.Text);
    }

    [Theory]
    [InlineData("0x", "invalid integer literal: 0x")]
    [InlineData("08", "invalid integer literal: 08")]
    [InlineData("1_", "invalid integer literal: 1_")]
    [InlineData("12abc", "invalid integer literal: 12abc")]
    [InlineData("0x1s", "invalid integer literal: 0x1s")]
    [InlineData("99999999999999999999", "syntax: overflow error, maximum value is 18446744073709551615: 99999999999999999999")]
    [InlineData("1000000d", "syntax: overflow error, maximum value is 18446744073709551615: 1000000d")]
    // parser.cpp's tests: a scientific or duration literal past uint64.
    [InlineData("1e21", "syntax: overflow error, maximum value is 18446744073709551615: 1e21")]
    [InlineData("10000000000m", "syntax: overflow error, maximum value is 18446744073709551615: 10000000000m")]
    public void RejectsBadIntegerLiterals(string text, string message)
    {
        Lex(text, out var diagnostics);
        Assert.Equal(message, Assert.Single(diagnostics).Message);
    }

    [Theory]
    [InlineData(@"""plain""", "plain")]
    [InlineData(@"""a\nb\tc\rd""", "a\nb\tc\rd")]
    [InlineData(@"""q\""x\\y""", "q\"x\\y")]
    [InlineData(@"""\x41\x7e\x9""", "A~\t")]
    [InlineData(@"""\101\033[0m\0""", "A\x1b[0m\0")]
    [InlineData(@"""""", "")]
    public void DecodesStringEscapes(string text, string value)
    {
        var token = Single(text);
        Assert.Equal(TokenKind.String, token.Kind);
        Assert.Equal(value, token.Value);
    }

    [Theory]
    [InlineData("$x", TokenKind.Variable, "$x")]
    [InlineData("$_long_name9", TokenKind.Variable, "$_long_name9")]
    [InlineData("$1", TokenKind.PositionalParameter, "$1")]
    [InlineData("$12", TokenKind.PositionalParameter, "$12")]
    [InlineData("$#", TokenKind.ParameterCount, "$#")]
    [InlineData("@", TokenKind.Map, "@")]
    [InlineData("@name", TokenKind.Map, "@name")]
    [InlineData("@_x1", TokenKind.Map, "@_x1")]
    [InlineData("args", TokenKind.Identifier, "args")]
    [InlineData("_", TokenKind.Identifier, "_")]
    [InlineData("#include <linux/sched.h>", TokenKind.PreprocessorDirective, "#include <linux/sched.h>")]
    public void LexesNamesAndDirectives(string text, object kind, string tokenText)
    {
        var token = Single(text);
        Assert.Equal((TokenKind)kind, token.Kind);
        Assert.Equal(tokenText, token.Text);
    }

    [Fact]
    public void PositionalParameterCarriesItsIndex() => Assert.Equal(12UL, Single("$12").Value);

    [Fact]
    public void SkipsBothCommentFormsAndShebang()
    {
        var tokens = Lex("#!/usr/bin/env bpftrace\n// line\nBEGIN /* block\n comment */ { } // end", out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal([TokenKind.Identifier, TokenKind.OpenBrace, TokenKind.CloseBrace, TokenKind.EndOfFile], tokens.Select(t => t.Kind));
    }

    [Fact]
    public void TakesLongestOperator()
    {
        var tokens = Lex("a<<=b>>c->d..e&&f", out _);
        Assert.Equal(
            [TokenKind.Identifier, TokenKind.LessLessEquals, TokenKind.Identifier, TokenKind.GreaterGreater, TokenKind.Identifier,
             TokenKind.Arrow, TokenKind.Identifier, TokenKind.DotDot, TokenKind.Identifier, TokenKind.AmpersandAmpersand,
             TokenKind.Identifier, TokenKind.EndOfFile],
            tokens.Select(t => t.Kind));
    }

    [Fact]
    public void RangeAfterIntegerIsNotPartOfTheInteger()
    {
        var tokens = Lex("0..10", out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal([TokenKind.Integer, TokenKind.DotDot, TokenKind.Integer, TokenKind.EndOfFile], tokens.Select(t => t.Kind));
    }

    [Fact]
    public void TokenSpansPointIntoTheSource()
    {
        var tokens = Lex("  @x = 10;", out _);
        Assert.Equal(new TextSpan(2, 2), tokens[0].Span);
        Assert.Equal(new TextSpan(7, 2), tokens[2].Span);
    }

    [Fact]
    public void ReportsUnterminatedStringAndInvalidCharacter()
    {
        Lex("\"abc\n` ", out var diagnostics);
        Assert.Equal(["unterminated string", "invalid character '`'"], diagnostics.Select(d => d.Message));
    }

    [Theory]
    [InlineData("tracepoint:syscalls:sys_enter_openat", "tracepoint", new[] { "syscalls", "sys_enter_openat" })]
    [InlineData("BEGIN", "BEGIN", new string[0])]
    [InlineData("uprobe:/bin/bash:readline+10", "uprobe", new[] { "/bin/bash", "readline+10" })]
    [InlineData("uprobe:\"/path with space\":func", "uprobe", new[] { "/path with space", "func" })]
    [InlineData("kprobe:vfs_*", "kprobe", new[] { "vfs_*" })]
    [InlineData("kprobe:f?o", "kprobe", new[] { "f?o" })]
    [InlineData("watchpoint:0x10000000:8:rw", "watchpoint", new[] { "0x10000000", "8", "rw" })]
    [InlineData("hardware:cache-misses:1000000", "hardware", new[] { "cache-misses", "1000000" })]
    [InlineData("uprobe:$1:main", "uprobe", new[] { "$1", "main" })]
    public void ScansAttachPoints(string text, string provider, string[] parts)
    {
        var lexer = new Lexer(new SourceText(text + " {"));
        var bag = new DiagnosticBag(new SourceText(text));
        var position = 0;
        var attachPoint = lexer.ScanAttachPoint(ref position, bag);
        Assert.NotNull(attachPoint);
        Assert.Empty(bag.Items);
        Assert.Equal(text, attachPoint.Raw);
        Assert.Equal(provider, attachPoint.Provider);
        Assert.Equal(parts, attachPoint.Parts);
        Assert.Equal(text.Length, position);
    }
}
