namespace SharpTrace.Syntax;

/// <summary>The kinds of tokens of the bpftrace language.</summary>
internal enum TokenKind
{
    EndOfFile,
    BadToken,

    Identifier,
    Integer,
    String,
    Variable,            // $name
    PositionalParameter, // $1
    ParameterCount,      // $#
    Map,                 // @name or @
    PreprocessorDirective,

    // Keywords.
    If, Else, While, For, Unroll, Return, Break, Continue, Sizeof, Offsetof, True, False, Struct, Union, Enum,

    // Punctuation.
    OpenBrace, CloseBrace, OpenParen, CloseParen, OpenBracket, CloseBracket,
    Semicolon, Comma, Colon, Dot, DotDot, Arrow, Question,

    // Operators.
    Plus, Minus, Star, Slash, Percent, Ampersand, Pipe, Caret, Bang, Tilde,
    Equals, EqualsEquals, BangEquals, Less, LessEquals, Greater, GreaterEquals,
    LessLess, GreaterGreater, AmpersandAmpersand, PipePipe, PlusPlus, MinusMinus,
    PlusEquals, MinusEquals, StarEquals, SlashEquals, PercentEquals,
    AmpersandEquals, PipeEquals, CaretEquals, LessLessEquals, GreaterGreaterEquals,
}

/// <summary>
/// One token. <see cref="Value"/> holds the decoded value: a <see cref="ulong"/> for integers and positional
/// parameters, the unescaped text for strings.
/// </summary>
internal sealed record Token(TokenKind Kind, TextSpan Span, string Text, object? Value = null)
{
    public override string ToString() => $"{Kind} '{Text}' {Span}";
}

/// <summary>Token tables: the fixed spellings of keywords and operators, and the names used in syntax errors.</summary>
internal static class TokenFacts
{
    public static readonly IReadOnlyDictionary<string, TokenKind> Keywords = new Dictionary<string, TokenKind>
    {
        ["if"] = TokenKind.If, ["else"] = TokenKind.Else, ["while"] = TokenKind.While, ["for"] = TokenKind.For,
        ["unroll"] = TokenKind.Unroll, ["return"] = TokenKind.Return, ["break"] = TokenKind.Break,
        ["continue"] = TokenKind.Continue, ["sizeof"] = TokenKind.Sizeof, ["offsetof"] = TokenKind.Offsetof,
        ["true"] = TokenKind.True, ["false"] = TokenKind.False,
        ["struct"] = TokenKind.Struct, ["union"] = TokenKind.Union, ["enum"] = TokenKind.Enum,
    };

    /// <summary>Operators and punctuation, longest spelling first so the lexer can take the first match.</summary>
    public static readonly IReadOnlyList<(string Text, TokenKind Kind)> Operators =
    [
        ("<<=", TokenKind.LessLessEquals), (">>=", TokenKind.GreaterGreaterEquals),
        ("==", TokenKind.EqualsEquals), ("!=", TokenKind.BangEquals), ("<=", TokenKind.LessEquals),
        (">=", TokenKind.GreaterEquals), ("<<", TokenKind.LessLess), (">>", TokenKind.GreaterGreater),
        ("&&", TokenKind.AmpersandAmpersand), ("||", TokenKind.PipePipe), ("++", TokenKind.PlusPlus),
        ("--", TokenKind.MinusMinus), ("+=", TokenKind.PlusEquals), ("-=", TokenKind.MinusEquals),
        ("*=", TokenKind.StarEquals), ("/=", TokenKind.SlashEquals), ("%=", TokenKind.PercentEquals),
        ("&=", TokenKind.AmpersandEquals), ("|=", TokenKind.PipeEquals), ("^=", TokenKind.CaretEquals),
        ("->", TokenKind.Arrow), ("..", TokenKind.DotDot),
        ("{", TokenKind.OpenBrace), ("}", TokenKind.CloseBrace), ("(", TokenKind.OpenParen), (")", TokenKind.CloseParen),
        ("[", TokenKind.OpenBracket), ("]", TokenKind.CloseBracket), (";", TokenKind.Semicolon), (",", TokenKind.Comma),
        (":", TokenKind.Colon), (".", TokenKind.Dot), ("?", TokenKind.Question),
        ("+", TokenKind.Plus), ("-", TokenKind.Minus), ("*", TokenKind.Star), ("/", TokenKind.Slash),
        ("%", TokenKind.Percent), ("&", TokenKind.Ampersand), ("|", TokenKind.Pipe), ("^", TokenKind.Caret),
        ("!", TokenKind.Bang), ("~", TokenKind.Tilde), ("=", TokenKind.Equals), ("<", TokenKind.Less), (">", TokenKind.Greater),
    ];

    private static readonly Dictionary<TokenKind, string> Spellings =
        Operators.ToDictionary(o => o.Kind, o => o.Text)
            .Concat(Keywords.ToDictionary(k => k.Value, k => k.Key))
            .ToDictionary(p => p.Key, p => p.Value);

    /// <summary>The fixed spelling of a keyword or operator, or null.</summary>
    public static string? GetText(TokenKind kind) => Spellings.GetValueOrDefault(kind);

    /// <summary>How a syntax error names a token kind, as bpftrace's parser does.</summary>
    public static string GetDisplayName(TokenKind kind) => kind switch
    {
        TokenKind.EndOfFile => "end of file",
        TokenKind.BadToken => "invalid token",
        TokenKind.Identifier => "identifier",
        TokenKind.Integer => "integer",
        TokenKind.String => "string",
        TokenKind.Variable => "variable",
        TokenKind.PositionalParameter => "positional parameter",
        TokenKind.ParameterCount => "$#",
        TokenKind.Map => "map",
        TokenKind.PreprocessorDirective => "preprocessor directive",
        TokenKind.Comma => "\",\"",
        TokenKind.True or TokenKind.False => "bool",
        _ => GetText(kind) ?? kind.ToString(),
    };

    /// <summary>Maps a compound assignment operator token to its binary operator.</summary>
    public static Ast.BinaryOperator? GetCompoundOperator(TokenKind kind) => kind switch
    {
        TokenKind.PlusEquals => Ast.BinaryOperator.Add,
        TokenKind.MinusEquals => Ast.BinaryOperator.Subtract,
        TokenKind.StarEquals => Ast.BinaryOperator.Multiply,
        TokenKind.SlashEquals => Ast.BinaryOperator.Divide,
        TokenKind.PercentEquals => Ast.BinaryOperator.Modulo,
        TokenKind.AmpersandEquals => Ast.BinaryOperator.BitwiseAnd,
        TokenKind.PipeEquals => Ast.BinaryOperator.BitwiseOr,
        TokenKind.CaretEquals => Ast.BinaryOperator.BitwiseXor,
        TokenKind.LessLessEquals => Ast.BinaryOperator.ShiftLeft,
        TokenKind.GreaterGreaterEquals => Ast.BinaryOperator.ShiftRight,
        _ => null,
    };

    /// <summary>C's precedence of a binary operator token (higher binds tighter), or 0 if it is not one.</summary>
    public static int GetBinaryPrecedence(TokenKind kind) => kind switch
    {
        TokenKind.Star or TokenKind.Slash or TokenKind.Percent => 10,
        TokenKind.Plus or TokenKind.Minus => 9,
        TokenKind.LessLess or TokenKind.GreaterGreater => 8,
        TokenKind.Less or TokenKind.LessEquals or TokenKind.Greater or TokenKind.GreaterEquals => 7,
        TokenKind.EqualsEquals or TokenKind.BangEquals => 6,
        TokenKind.Ampersand => 5,
        TokenKind.Caret => 4,
        TokenKind.Pipe => 3,
        TokenKind.AmpersandAmpersand => 2,
        TokenKind.PipePipe => 1,
        _ => 0,
    };

    public static Ast.BinaryOperator GetBinaryOperator(TokenKind kind) => kind switch
    {
        TokenKind.Star => Ast.BinaryOperator.Multiply,
        TokenKind.Slash => Ast.BinaryOperator.Divide,
        TokenKind.Percent => Ast.BinaryOperator.Modulo,
        TokenKind.Plus => Ast.BinaryOperator.Add,
        TokenKind.Minus => Ast.BinaryOperator.Subtract,
        TokenKind.LessLess => Ast.BinaryOperator.ShiftLeft,
        TokenKind.GreaterGreater => Ast.BinaryOperator.ShiftRight,
        TokenKind.Less => Ast.BinaryOperator.Less,
        TokenKind.LessEquals => Ast.BinaryOperator.LessOrEqual,
        TokenKind.Greater => Ast.BinaryOperator.Greater,
        TokenKind.GreaterEquals => Ast.BinaryOperator.GreaterOrEqual,
        TokenKind.EqualsEquals => Ast.BinaryOperator.Equal,
        TokenKind.BangEquals => Ast.BinaryOperator.NotEqual,
        TokenKind.Ampersand => Ast.BinaryOperator.BitwiseAnd,
        TokenKind.Caret => Ast.BinaryOperator.BitwiseXor,
        TokenKind.Pipe => Ast.BinaryOperator.BitwiseOr,
        TokenKind.AmpersandAmpersand => Ast.BinaryOperator.LogicalAnd,
        TokenKind.PipePipe => Ast.BinaryOperator.LogicalOr,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
