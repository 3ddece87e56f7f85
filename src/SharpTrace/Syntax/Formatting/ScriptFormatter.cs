using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax.Formatting;

/// <summary>
/// Formats a script as the newest bpftrace's <c>--fmt</c> does: two-space indentation, lines up to 90 columns
/// (argument lists broken where they would not fit), its parentheses, comments kept where they were, blank lines
/// between items and statements kept. Widths are unsigned, as bpftrace's, so a budget used up wraps to "no limit".
/// </summary>
internal sealed partial class ScriptFormatter
{
    private const ulong LineWidth = 90;
    private const int Indent = 2;

    private readonly string _text;

    private ScriptFormatter(string text) => _text = text;

    /// <summary>The formatted text of a script that parsed without errors.</summary>
    public static string Format(SyntaxTree tree)
    {
        var text = tree.Source.Text;
        var root = tree.Root;
        var header = text.StartsWith("#!", StringComparison.Ordinal) ? text[..(text.IndexOf('\n') is var n and >= 0 ? n : text.Length)] : null;
        var opaque = new List<TextSpan>();
        if (header != null)
            opaque.Add(new TextSpan(0, Math.Min(text.Length, header.Length + 1)));
        // A directive's line break is its own, not a blank line.
        opaque.AddRange(root.Preprocessor.Select(p => TextSpan.FromBounds(p.Span.Start, Math.Min(text.Length, p.Span.End + (p.Span.End < text.Length && text[p.Span.End] == '\n' ? 1 : 0)))));
        opaque.AddRange(root.CDefinitions.Select(c => c.Span));
        opaque.AddRange(root.Probes.SelectMany(p => p.AttachPoints).Select(a => a.Span));
        var trivia = LayoutTrivia.Scan(text, opaque);
        return new ScriptFormatter(text).Program(root, header, trivia).ToString();
    }

    private static ulong Less(ulong width, int amount) => unchecked(width - (ulong)amount);

    private LayoutBuffer Program(ProgramNode program, string? header, LayoutTrivia trivia)
    {
        var buffer = new LayoutBuffer();
        if (header != null)
            buffer.Text(header).LineBreak();
        foreach (var item in program.ItemsInWrittenOrder())
        {
            var before = trivia.Before(item.Span.Start);
            var local = TopLevel(item, trivia, LineWidth).LineBreak();
            buffer.Trivia(before, 0).Append(local);
        }
        return buffer.Trivia(trivia, 0);
    }

    private LayoutBuffer TopLevel(Node item, LayoutTrivia trivia, ulong width) => item switch
    {
        PreprocessorLine p => new LayoutBuffer().Text(p.Text.TrimEnd()),
        CDefinition c => new LayoutBuffer().Text(c.Text),
        ImportDirective i => new LayoutBuffer().Text("import " + Quote(i.Path) + ";"),
        ConfigBlock c => Config(c, trivia, width),
        MapDeclaration m => new LayoutBuffer().Text($"let {m.MapName} = {m.Kind}({(m.MaxEntries is { } max ? Value(max, trivia, width, true).ToString().TrimEnd('\n') : "")});"),
        MacroDefinition m => Macro(m, trivia, width),
        Probe p => Probe(p, trivia, width),
        _ => new LayoutBuffer().Text(Unparser.Unparse(item)),
    };

    private LayoutBuffer Config(ConfigBlock config, LayoutTrivia trivia, ulong width)
    {
        if (config.Entries.Count == 0)
            return new LayoutBuffer().Text("config = {}");
        var block = new LayoutBuffer();
        foreach (var entry in config.Entries)
        {
            if (block.Lines > 0)
                block.LineBreak();
            var comments = trivia.Before(entry.Span.Start);
            var value = entry.Value switch
            {
                StringLiteral s when Escape(s.Value) == s.Value => s.Value,
                StringLiteral s => Quote(s.Value),
                IntegerLiteral i => i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                BooleanLiteral b => b.Value ? "true" : "false",
                _ => Unparser.Unparse(entry.Value),
            };
            block.Append(new LayoutBuffer().Trivia(comments, 0).Append(new LayoutBuffer().Text($"{entry.Key} = {value};")));
        }
        return new LayoutBuffer().Text("config = {").Append(block, Indent).Text("}");
    }

    private LayoutBuffer Macro(MacroDefinition macro, LayoutTrivia trivia, ulong width)
    {
        var parameters = List(macro.Parameters.Select(p => (Func<ulong, LayoutBuffer>)(_ => new LayoutBuffer().Text(p))).ToList(), ", ", Less(width, 10));
        var blockTrivia = trivia.Before(macro.Body.Span.Start);
        var statements = macro.Body.Statements;
        Expression? value = null;
        if (macro.HasValue && statements[^1] is ExpressionStatement last)
        {
            value = last.Expression;
            statements = statements.Take(statements.Count - 1).ToArray();
        }
        var block = Block(statements, value, macro.Body.Span.End, trivia, Less(width, Indent));
        return new LayoutBuffer().Text($"macro {macro.Name}(").Append(parameters).Text(")")
            .Trivia(blockTrivia, 1).Text("{").Append(block, Indent).Text("}");
    }

    private LayoutBuffer Probe(Probe probe, LayoutTrivia trivia, ulong width)
    {
        var buffer = new LayoutBuffer();
        for (var i = 0; i < probe.AttachPoints.Count; i++)
        {
            var point = new LayoutBuffer().Text(probe.AttachPoints[i].Raw.Length > 0 ? probe.AttachPoints[i].Raw : Unparser.Unparse(probe.AttachPoints[i]));
            if (i < probe.AttachPoints.Count - 1)
                point.Text(",");
            buffer.Append(point).LineBreak();
        }
        if (probe.Predicate is { } predicate)
        {
            var predicateTrivia = trivia.Before(predicate.Span.Start);
            var formatted = Expr(predicate, trivia, width, true);
            buffer.Trivia(predicateTrivia).Text("/").Append(formatted).Text("/").LineBreak();
        }
        var blockTrivia = trivia.Before(probe.Body.Span.Start);
        var block = Body(probe.Body, trivia, Less(width, 2));
        return buffer.Trivia(blockTrivia).Text("{").Append(block, Indent).Text("}");
    }

    private LayoutBuffer Body(Block block, LayoutTrivia trivia, ulong width)
    {
        var (statements, value) = SplitValue(block.Statements);
        return Block(statements, value, block.Span.End, trivia, width);
    }

    /// <summary>A last expression written without its <c>;</c> is the block's value, and stays without it.</summary>
    private (IReadOnlyList<Statement> Statements, Expression? Value) SplitValue(IReadOnlyList<Statement> statements) =>
        statements.Count > 0 && statements[^1] is ExpressionStatement last && !FollowedBySemicolon(last.Span.End)
            ? (statements.Take(statements.Count - 1).ToArray(), last.Expression)
            : (statements, null);

    private bool FollowedBySemicolon(int position)
    {
        var i = position;
        while (i < _text.Length)
        {
            if (char.IsWhiteSpace(_text[i]))
                i++;
            else if (string.CompareOrdinal(_text, i, "//", 0, 2) == 0)
                i = _text.IndexOf('\n', i) is var end and >= 0 ? end : _text.Length;
            else if (string.CompareOrdinal(_text, i, "/*", 0, 2) == 0)
                i = _text.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : _text.Length;
            else
                return _text[i] == ';';
        }
        return false;
    }

    /// <summary>The inside of a block: its statements, one a line, then its value if it has one.</summary>
    private LayoutBuffer Block(IReadOnlyList<Statement> statements, Expression? value, int end, LayoutTrivia trivia, ulong width)
    {
        var buffer = new LayoutBuffer();
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = Statement(statements[i], trivia, width);
            if (statement.Width > 0 && i > 0)
                buffer.LineBreak();
            buffer.Append(statement);
        }
        var rest = trivia.Before(end);
        if (value != null)
        {
            var valueTrivia = rest.Before(value.Span.Start);
            var formatted = Expr(value, rest, width, true);
            buffer.Trivia(valueTrivia, buffer.Lines > 0 ? 1 : 0).Append(formatted);
        }
        return buffer.Trivia(rest);
    }

    private LayoutBuffer Statement(Statement statement, LayoutTrivia trivia, ulong width)
    {
        var comments = trivia.Before(statement.Span.Start);
        var body = StatementBody(statement, trivia, width);
        return new LayoutBuffer().Trivia(comments, 0).Append(body);
    }

    private LayoutBuffer StatementBody(Statement statement, LayoutTrivia trivia, ulong width)
    {
        switch (statement)
        {
            case Block b:
                {
                    var (statements, value) = SplitValue(b.Statements);
                    return BlockValue(statements, value, b.Span.End, trivia, width, width);
                }
            case ExpressionStatement e:
                return Expr(e.Expression, trivia, width, true).Text(";");
            case AssignmentStatement a:
                return Assignment(a, trivia, width);
            case LetStatement l:
                {
                    var declaration = new LayoutBuffer().Text("let " + l.Variable);
                    if (l.Type != null)
                        declaration.Text(" : ").Text(Type(l.Type, trivia, width));
                    if (l.Value is not { } value)
                        return declaration.Text(";");
                    var formatted = Expr(value, trivia, Less(width, (int)declaration.Width + 3), true);
                    return declaration.Text(" = ").Append(formatted, 0, value is not (BlockExpression or TernaryExpression)).Text(";");
                }
            case IfStatement i:
                return If(i, trivia, width);
            case WhileStatement w:
                {
                    var condition = Expr(w.Condition, trivia, Less(width, 8), false);
                    var body = Body(w.Body, trivia, Less(width, 2));
                    return new LayoutBuffer().Text("while ").Append(condition).Text(" {").Append(body, Indent).Text("}");
                }
            case UnrollStatement u:
                {
                    var body = Body(u.Body, trivia, Less(width, 2));
                    return new LayoutBuffer().Text("unroll (").Append(Expr(u.Count, trivia, Less(width, 11), false)).Text(") {").Append(body, Indent).Text("}");
                }
            case ForMapStatement f:
                {
                    var iterable = Expr(f.Map, trivia, width, false);
                    var body = Body(f.Body, trivia, Less(width, Indent));
                    return new LayoutBuffer().Text($"for {f.Variable} : ").Append(iterable).Text(" {").Append(body, Indent).Text("}");
                }
            case ForRangeStatement f:
                {
                    var range = RangeEnd(f.Start, trivia, width).Text("..").Append(RangeEnd(f.End, trivia, width));
                    var body = Body(f.Body, trivia, Less(width, Indent));
                    return new LayoutBuffer().Text($"for {f.Variable} : ").Append(range).Text(" {").Append(body, Indent).Text("}");
                }
            case BreakStatement:
                return new LayoutBuffer().Text("break;");
            case ContinueStatement:
                return new LayoutBuffer().Text("continue;");
            case ReturnStatement r:
                // bpftrace passes its value a width of 1, which wraps to no limit once anything is taken from it.
                return r.Value is { } returned
                    ? new LayoutBuffer().Text("return ").Append(Expr(returned, trivia, 1, false)).Text(";")
                    : new LayoutBuffer().Text("return;");
            default:
                return new LayoutBuffer().Text(Unparser.Unparse(statement));
        }
    }

    private LayoutBuffer RangeEnd(Expression end, LayoutTrivia trivia, ulong width) =>
        end is IntegerLiteral
            ? Expr(end, trivia, width, true)
            : new LayoutBuffer().Text("(").Append(Expr(end, trivia, Less(width, 4), true)).Text(")");

    private LayoutBuffer Assignment(AssignmentStatement assignment, LayoutTrivia trivia, ulong width)
    {
        var target = Value(assignment.Target, trivia, width, false);
        var value = assignment.Value;
        var op = "=";
        if (assignment.CompoundOperator is { } compound)
            op = Unparser.GetText(compound) + "=";
        else if (value is BinaryExpression { Operator: var binary } b && IsCompoundable(binary) && SameTarget(b.Left, assignment.Target))
        {
            op = Unparser.GetText(binary) + "=";
            value = b.Right;
        }
        var formatted = Expr(value, trivia, Less(width, (int)target.Width + 2 + op.Length), true);
        return target.Text(" " + op + " ").Append(formatted, 0, value is not (BlockExpression or TernaryExpression)).Text(";");
    }

    private static bool IsCompoundable(BinaryOperator op) => op is not (BinaryOperator.Equal or BinaryOperator.NotEqual
        or BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual
        or BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr);

    private static bool SameTarget(Expression a, Expression b) =>
        (a, b) is (VariableExpression or MapAccess, VariableExpression or MapAccess) && Unparser.Unparse(a) == Unparser.Unparse(b);

    private LayoutBuffer If(IfStatement statement, LayoutTrivia trivia, ulong width)
    {
        var comments = trivia.Before(statement.Span.Start);
        var pairs = new List<(LayoutBuffer Condition, LayoutBuffer Body)>();
        LayoutBuffer? otherwise = null;
        for (var it = statement; it != null;)
        {
            // bpftrace takes what lies between the first condition and its block for every branch.
            var conditionTrivia = trivia.Before(statement.Then.Span.Start);
            var condition = Expr(it.Condition, conditionTrivia, Less(width, 5), it.Condition is UnaryExpression { Operator: UnaryOperator.Comptime }).Trivia(conditionTrivia);
            pairs.Add((condition, Body(it.Then, trivia, Less(width, Indent))));
            if (it.Else is IfStatement next)
                it = next;
            else
            {
                if (it.Else is Block b)
                    otherwise = Body(b, trivia, Less(width, Indent));
                it = null;
            }
        }
        var buffer = new LayoutBuffer().Trivia(comments, 0);
        for (var i = 0; i < pairs.Count; i++)
            buffer.Text(i > 0 ? " else if " : "if ").Append(pairs[i].Condition).Text(" {").Append(pairs[i].Body, Indent).Text("}");
        if (otherwise != null)
            buffer.Text(" else {").Append(otherwise, Indent).Text("}");
        return buffer;
    }
}
