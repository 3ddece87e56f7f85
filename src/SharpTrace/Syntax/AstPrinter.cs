using System.Text;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax;

/// <summary>
/// Prints a syntax tree as an indented outline, one node per line (<c>-d ast</c>). Without spans the output
/// depends only on the tree's structure, so two trees are structurally equal when their printouts are.
/// </summary>
internal static class AstPrinter
{
    public static string Print(Node node, bool includeSpans = false)
    {
        var sb = new StringBuilder();
        Print(sb, node, 0, includeSpans);
        return sb.ToString();
    }

    private static void Print(StringBuilder sb, Node node, int depth, bool includeSpans)
    {
        sb.Append(' ', depth).Append(Label(node));
        if (includeSpans)
            sb.Append(' ').Append(node.Span);
        sb.Append('\n');
        foreach (var child in Children(node))
            Print(sb, child, depth + 1, includeSpans);
    }

    // A labelled group of children (a predicate, a record field) that has no node of its own.
    private sealed record Group(TextSpan Span, string Label, IReadOnlyList<Node> Items) : Node(Span);

    internal static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                case < ' ' or '\x7f': sb.Append($"\\x{(int)c:x2}"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static string Label(Node node) => node switch
    {
        Group g => g.Label,
        ProgramNode => "Program",
        PreprocessorLine p => $"Preprocessor {Quote(p.Text)}",
        CDefinition c => $"CDefinition {Quote(c.Text)}",
        ConfigBlock => "Config",
        ConfigEntry e => $"ConfigEntry {e.Key}",
        MapDeclaration m => $"MapDeclaration {m.MapName} {m.Kind}",
        ImportDirective i => $"Import {Quote(i.Path)}",
        MacroDefinition m => $"Macro {m.Name}({string.Join(", ", m.Parameters)})",
        Probe => "Probe",
        AttachPoint a => $"AttachPoint {Quote(a.Raw)}{(a.Name is { } name ? $" name={Quote(name)}" : "")} provider={Quote(a.Provider)} parts=[{string.Join(", ", a.Parts.Select(Quote))}]",
        Block => "Block",
        ExpressionStatement => "ExpressionStatement",
        AssignmentStatement a => $"Assignment {(a.CompoundOperator is { } op ? Unparser.GetText(op) : "")}=",
        LetStatement l => $"Let {l.Variable}",
        IfStatement => "If",
        WhileStatement => "While",
        UnrollStatement => "Unroll",
        ForMapStatement f => $"ForMap {f.Variable}",
        ForRangeStatement f => $"ForRange {f.Variable}",
        BreakStatement => "Break",
        ContinueStatement => "Continue",
        ReturnStatement => "Return",
        IntegerLiteral i => i.Text == i.Value.ToString() ? $"Integer {i.Value}" : $"Integer {i.Value} ({i.Text})",
        StringLiteral s => $"String {Quote(s.Value)}",
        BooleanLiteral b => $"Boolean {(b.Value ? "true" : "false")}",
        Identifier i => $"Identifier {i.Name}",
        VariableExpression v => $"Variable {v.Name}",
        PositionalParameter p => $"PositionalParameter ${p.Index}",
        PositionalParameterCount => "PositionalParameterCount $#",
        MapAccess m => $"Map {m.Name}",
        CallExpression c => $"Call {c.Name}",
        UnaryExpression u => $"Unary {Unparser.GetText(u.Operator)}",
        BinaryExpression b => $"Binary {Unparser.GetText(b.Operator)}",
        TernaryExpression => "Ternary",
        BlockExpression => "BlockExpression",
        IncrementExpression i => $"Increment {(i.IsIncrement ? "++" : "--")} {(i.IsPrefix ? "prefix" : "postfix")}",
        FieldAccess f => $"FieldAccess {(f.IsArrow ? "->" : ".")}{f.Field}",
        IndexExpression => "Index",
        TupleExpression => "Tuple",
        RecordExpression => "Record",
        CastExpression => "Cast",
        SizeofExpression => "Sizeof",
        OffsetofExpression o => $"Offsetof {string.Join(".", o.FieldPath)}",
        TypeSyntax t => $"Type {Unparser.Unparse(t)}",
        _ => node.GetType().Name,
    };

    private static IEnumerable<Node> Children(Node node)
    {
        switch (node)
        {
            case Group g:
                return g.Items;
            case ProgramNode p:
                return [.. p.Preprocessor, .. p.CDefinitions, .. p.Imports, .. Optional(p.Config), .. p.MapDeclarations, .. p.Macros, .. p.Probes];
            case ConfigBlock c:
                return c.Entries;
            case ConfigEntry entry:
                return [entry.Value];
            case MapDeclaration m:
                return Optional(m.MaxEntries);
            case MacroDefinition m:
                return [m.Body];
            case Probe p:
                return [.. p.AttachPoints, .. p.Predicate is { } predicate ? [new Group(predicate.Span, "Predicate", [predicate])] : Array.Empty<Node>(), p.Body];
            case Block b:
                return b.Statements;
            case ExpressionStatement statement:
                return [statement.Expression];
            case AssignmentStatement a:
                return [a.Target, a.Value];
            case LetStatement l:
                return [.. Optional(l.Type), .. Optional(l.Value)];
            case IfStatement i:
                return [i.Condition, i.Then, .. i.Else is { } e ? [new Group(e.Span, "Else", [e])] : Array.Empty<Node>()];
            case WhileStatement w:
                return [w.Condition, w.Body];
            case UnrollStatement u:
                return [u.Count, u.Body];
            case ForMapStatement f:
                return [f.Map, f.Body];
            case ForRangeStatement f:
                return [f.Start, f.End, f.Body];
            case ReturnStatement r:
                return Optional(r.Value);
            case MapAccess m:
                return m.Keys;
            case CallExpression c:
                return c.Arguments;
            case UnaryExpression u:
                return [u.Operand];
            case BinaryExpression b:
                return [b.Left, b.Right];
            case TernaryExpression t:
                return [t.Condition, t.WhenTrue, t.WhenFalse];
            case BlockExpression b:
                return b.Value is null ? [.. b.Statements] : [.. b.Statements, new Group(b.Value.Span, "Value", [b.Value])];
            case IncrementExpression i:
                return [i.Target];
            case FieldAccess f:
                return [f.Target];
            case IndexExpression i:
                return [i.Target, i.Index];
            case TupleExpression t:
                return t.Elements;
            case RecordExpression r:
                return r.Fields.Select(f => (Node)new Group(f.Value.Span, $"Field {f.Name}", [f.Value]));
            case CastExpression c:
                return [c.Type, c.Operand];
            case SizeofExpression s:
                return [.. Optional(s.Type), .. Optional(s.Operand)];
            case OffsetofExpression o:
                return [.. Optional(o.Type), .. Optional(o.Operand)];
            default:
                return [];
        }
    }

    private static Node[] Optional(Node? node) => node == null ? [] : [node];
}
