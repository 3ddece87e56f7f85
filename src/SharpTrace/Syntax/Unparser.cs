using System.Text;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

/// <summary>
/// Writes a syntax tree back as bpftrace source. Parentheses are added only where precedence needs them, so
/// parsing the output gives back the same tree (spans aside).
/// </summary>
internal static class Unparser
{
    // Precedence levels: ternary, then C's binary levels 1..10, then unary/cast, postfix, primary.
    private const int TernaryLevel = 0;
    private const int UnaryLevel = 11;
    private const int PostfixLevel = 12;
    private const int PrimaryLevel = 13;

    public static string Unparse(Node node)
    {
        var writer = new Writer();
        switch (node)
        {
            case ProgramNode program: WriteProgram(writer, program); break;
            case Statement statement: WriteStatement(writer, statement); break;
            case Expression expression: writer.Write(Expr(expression)); break;
            case TypeSyntax type: writer.Write(Type(type)); break;
            case Probe probe: WriteProbe(writer, probe); break;
            default: writer.Write(node.ToString()); break;
        }
        return writer.ToString();
    }

    public static string GetText(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+", BinaryOperator.Subtract => "-", BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/", BinaryOperator.Modulo => "%", BinaryOperator.BitwiseAnd => "&",
        BinaryOperator.BitwiseOr => "|", BinaryOperator.BitwiseXor => "^", BinaryOperator.ShiftLeft => "<<",
        BinaryOperator.ShiftRight => ">>", BinaryOperator.Equal => "==", BinaryOperator.NotEqual => "!=",
        BinaryOperator.Less => "<", BinaryOperator.LessOrEqual => "<=", BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=", BinaryOperator.LogicalAnd => "&&", BinaryOperator.LogicalOr => "||",
        _ => "?",
    };

    public static string GetText(UnaryOperator op) => op switch
    {
        UnaryOperator.Negate => "-", UnaryOperator.LogicalNot => "!", UnaryOperator.BitwiseNot => "~",
        UnaryOperator.Dereference => "*", UnaryOperator.AddressOf => "&", UnaryOperator.Comptime => "comptime",
        _ => "?",
    };

    private static int Precedence(BinaryOperator op) => op switch
    {
        BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Modulo => 10,
        BinaryOperator.Add or BinaryOperator.Subtract => 9,
        BinaryOperator.ShiftLeft or BinaryOperator.ShiftRight => 8,
        BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual => 7,
        BinaryOperator.Equal or BinaryOperator.NotEqual => 6,
        BinaryOperator.BitwiseAnd => 5,
        BinaryOperator.BitwiseXor => 4,
        BinaryOperator.BitwiseOr => 3,
        BinaryOperator.LogicalAnd => 2,
        _ => 1,
    };

    private sealed class Writer
    {
        private readonly StringBuilder _sb = new();
        public int Indent;

        public void Write(string text) => _sb.Append(text);
        public void Line(string text) => _sb.Append(' ', Indent * 2).Append(text).Append('\n');
        public void StartLine(string text) => _sb.Append(' ', Indent * 2).Append(text);
        public override string ToString() => _sb.ToString();
    }

    private static void WriteProgram(Writer w, ProgramNode program)
    {
        Node? previous = null;
        foreach (var item in program.ItemsInWrittenOrder())
        {
            if (previous != null && !(previous is PreprocessorLine && item is PreprocessorLine))
                w.Write("\n");
            switch (item)
            {
                case PreprocessorLine p: w.Line(p.Text); break;
                case CDefinition c: w.Line(c.Text); break;
                case ImportDirective i: w.Line($"import {AstPrinter.Quote(i.Path)};"); break;
                case ConfigBlock c:
                    w.Line("config = {");
                    w.Indent++;
                    foreach (var entry in c.Entries)
                        w.Line($"{entry.Key} = {Expr(entry.Value)};");
                    w.Indent--;
                    w.Line("}");
                    break;
                case MapDeclaration m:
                    w.Line($"let {m.MapName} = {m.Kind}({(m.MaxEntries is { } max ? Expr(max) : "")});");
                    break;
                case MacroDefinition m:
                    w.StartLine($"macro {m.Name}({string.Join(", ", m.Parameters)}) ");
                    WriteBlock(w, m.Body);
                    w.Write("\n");
                    break;
                case Probe p:
                    WriteProbe(w, p);
                    break;
            }
            previous = item;
        }
    }

    private static void WriteProbe(Writer w, Probe probe)
    {
        for (var i = 0; i < probe.AttachPoints.Count; i++)
            w.Line(AttachPointText(probe.AttachPoints[i]) + (i + 1 < probe.AttachPoints.Count ? "," : ""));
        if (probe.Predicate != null)
            w.Line($"/{Expr(probe.Predicate)}/");
        w.StartLine("");
        WriteBlock(w, probe.Body);
        w.Write("\n");
    }

    private static string AttachPointText(AttachPoint attachPoint)
    {
        if (attachPoint.Raw.Length > 0)
            return attachPoint.Raw;
        static string Part(string part) =>
            part.Length > 0 && part.All(c => char.IsAsciiLetterOrDigit(c) || "_-./*?+$[]@#!=<>&|^~%".Contains(c))
                ? part
                : AstPrinter.Quote(part);
        return string.Join(":", [attachPoint.Provider, .. attachPoint.Parts.Select(Part)]);
    }

    private static void WriteBlock(Writer w, Block block)
    {
        w.Write("{\n");
        w.Indent++;
        foreach (var statement in block.Statements)
        {
            w.StartLine("");
            WriteStatement(w, statement);
            w.Write("\n");
        }
        w.Indent--;
        w.StartLine("}");
    }

    private static void WriteStatement(Writer w, Statement statement)
    {
        switch (statement)
        {
            case Block b:
                WriteBlock(w, b);
                break;
            case ExpressionStatement e:
                w.Write(Expr(e.Expression) + ";");
                break;
            case AssignmentStatement a:
                var op = a.CompoundOperator is { } compound ? GetText(compound) : "";
                w.Write($"{Expr(a.Target)} {op}= {Expr(a.Value)};");
                break;
            case LetStatement l:
                w.Write($"let {l.Variable}{(l.Type is { } t ? ": " + Type(t) : "")}{(l.Value is { } v ? " = " + Expr(v) : "")};");
                break;
            case IfStatement i:
                w.Write($"if ({Expr(i.Condition)}) ");
                WriteBlock(w, i.Then);
                if (i.Else != null)
                {
                    w.Write(" else ");
                    if (i.Else is Block elseBlock)
                        WriteBlock(w, elseBlock);
                    else
                        WriteStatement(w, i.Else);
                }
                break;
            case WhileStatement wh:
                w.Write($"while ({Expr(wh.Condition)}) ");
                WriteBlock(w, wh.Body);
                break;
            case UnrollStatement u:
                w.Write($"unroll ({Expr(u.Count)}) ");
                WriteBlock(w, u.Body);
                break;
            case ForMapStatement f:
                w.Write($"for ({f.Variable} : {Expr(f.Map)}) ");
                WriteBlock(w, f.Body);
                break;
            case ForRangeStatement f:
                w.Write($"for ({f.Variable} : {Expr(f.Start)}..{Expr(f.End)}) ");
                WriteBlock(w, f.Body);
                break;
            case BreakStatement:
                w.Write("break;");
                break;
            case ContinueStatement:
                w.Write("continue;");
                break;
            case ReturnStatement r:
                w.Write(r.Value is { } value ? $"return {Expr(value)};" : "return;");
                break;
        }
    }

    private static string Type(TypeSyntax type) => type.Of is { } of ? $"typeof({Expr(of)})" :
        type.Name + (type.PointerDepth > 0 ? " " + new string('*', type.PointerDepth) : "")
        + (type.ArrayLength is { } n ? $"[{(n > 0 ? n.ToString() : "")}]" : "")
        + new string('*', type.OuterPointerDepth);

    private static int Level(Expression e) => e switch
    {
        TernaryExpression => TernaryLevel,
        BinaryExpression b => Precedence(b.Operator),
        UnaryExpression or CastExpression or IncrementExpression { IsPrefix: true } => UnaryLevel,
        FieldAccess or IndexExpression or IncrementExpression => PostfixLevel,
        _ => PrimaryLevel,
    };

    /// <summary>An expression, parenthesized if it binds more loosely than <paramref name="level"/>.</summary>
    private static string Expr(Expression e, int level)
    {
        var text = Expr(e);
        return Level(e) < level ? $"({text})" : text;
    }

    private static string List(IEnumerable<Expression> items) => string.Join(", ", items.Select(item => Expr(item)));

    private static string Expr(Expression e) => e switch
    {
        IntegerLiteral i => i.Text.Length > 0 ? i.Text : i.Value.ToString(),
        StringLiteral s => AstPrinter.Quote(s.Value),
        BooleanLiteral b => b.Value ? "true" : "false",
        Identifier i => i.Name,
        VariableExpression v => v.Name,
        PositionalParameter p => $"${p.Index}",
        PositionalParameterCount => "$#",
        MapAccess m => m.IsScalar ? m.Name : $"{m.Name}[{List(m.Keys)}]",
        CallExpression c => $"{c.Name}({List(c.Arguments)})",
        UnaryExpression u => Unary(GetText(u.Operator), Expr(u.Operand, UnaryLevel)),
        BinaryExpression b => $"{Expr(b.Left, Precedence(b.Operator))} {GetText(b.Operator)} {Expr(b.Right, Precedence(b.Operator) + 1)}",
        TernaryExpression t => ReferenceEquals(t.Condition, t.WhenTrue)
            ? $"{Expr(t.Condition, 1)} ?: {Expr(t.WhenFalse)}"
            : $"{Expr(t.Condition, 1)} ? {Expr(t.WhenTrue)} : {Expr(t.WhenFalse)}",
        IncrementExpression i => i.IsPrefix
            ? Unary(i.IsIncrement ? "++" : "--", Expr(i.Target, UnaryLevel))
            : Expr(i.Target, PostfixLevel) + (i.IsIncrement ? "++" : "--"),
        FieldAccess f => $"{Expr(f.Target, PostfixLevel)}{(f.IsArrow ? "->" : ".")}{f.Field}",
        IndexExpression i => $"{Expr(i.Target, PostfixLevel)}[{Expr(i.Index)}]",
        TupleExpression t => t.Elements.Count == 1 ? $"({Expr(t.Elements[0])},)" : $"({List(t.Elements)})",
        RecordExpression r => $"({string.Join(", ", r.Fields.Select(f => $"{f.Name} = {Expr(f.Value)}"))})",
        CastExpression c => $"({Type(c.Type)}){Expr(c.Operand, UnaryLevel)}",
        TypeExpression { IsTypeof: true, Type.Of: null } t => $"typeof({Type(t.Type)})",
        TypeExpression t => Type(t.Type),
        SizeofExpression s => $"sizeof({(s.Type is { } t ? Type(t) : s.Operand is { } o ? Expr(o) : "")})",
        BlockExpression b => BlockText(b),
        OffsetofExpression o => $"offsetof({(o.Type is { } t ? Type(t) : o.Operand is { } x ? Expr(x) : "")}, {string.Join(".", o.FieldPath)})",
        _ => e.ToString(),
    };

    /// <summary>A block expression on one line: <c>{ let $a = 1; $a + 1 }</c>.</summary>
    private static string BlockText(BlockExpression block)
    {
        var w = new Writer();
        foreach (var statement in block.Statements)
            WriteStatement(w, statement);
        var statements = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return "{ " + string.Concat(statements.Select(s => s + " ")) + (block.Value is null ? "" : Expr(block.Value) + " ") + "}";
    }

    // "- -x" must not become "--x", nor "& &x" become "&&x".
    private static string Unary(string op, string operand) =>
        char.IsAsciiLetter(op[^1]) ? $"{op} {operand}"
        : operand.Length > 0 && (operand[0] == op[^1] && op[^1] is '-' or '+' or '&') ? $"{op}({operand})" : op + operand;
}
