using System.Globalization;
using System.Text;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Syntax.Formatting;

// Expressions: parenthesized unless simple or "bare" (where no operator can bind across them); lists broken over lines.
internal sealed partial class ScriptFormatter
{
    /// <summary>Literals, names, calls, accesses: never parenthesized.</summary>
    private static bool IsPrimitive(Expression e) => e is IntegerLiteral or StringLiteral or BooleanLiteral
        or PositionalParameter or PositionalParameterCount or Identifier or SizeofExpression or OffsetofExpression
        or VariableExpression or IndexExpression or MapAccess or CallExpression or FieldAccess
        || (e is UnaryExpression { Operator: UnaryOperator.Comptime } comptime && IsPrimitive(comptime.Operand));

    private static bool IsComparison(Expression e) => e is BinaryExpression
    {
        Operator: BinaryOperator.Equal or BinaryOperator.NotEqual or BinaryOperator.Less or BinaryOperator.LessOrEqual
            or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual,
    };

    /// <summary>An expression where it stands: its comments taken (and dropped), parenthesized unless bare or simple.</summary>
    private LayoutBuffer Expr(Expression e, LayoutTrivia trivia, ulong width, bool bare)
    {
        var local = trivia.Before(e.Span.End);
        var bareOkay = (bare && e is not TupleExpression) || IsPrimitive(e);
        var localWidth = Less(width, bareOkay ? 0 : 2);
        var buffer = new LayoutBuffer();
        if (!bareOkay)
            buffer.Text("(");
        if (e is BlockExpression block)
            buffer.Append(BlockValue(block.Statements, block.Value, block.Span.End, local, width, localWidth));
        else
            buffer.Append(Value(e, local, localWidth, true));
        return bareOkay ? buffer : buffer.Text(")");
    }

    /// <summary>A block used as a value or statement: on one line if it fits in one, else indented.</summary>
    private LayoutBuffer BlockValue(IReadOnlyList<Statement> statements, Expression? value, int end, LayoutTrivia trivia, ulong width, ulong localWidth)
    {
        var inside = Block(statements, value, end, trivia, Less(width, 2));
        return inside.Lines > 1 || inside.Width > localWidth
            ? new LayoutBuffer().Text("{").Append(inside, Indent).Text("}")
            : new LayoutBuffer().Text("{ ").Append(inside).Text(" }");
    }

    /// <summary>An expression node itself.</summary>
    private LayoutBuffer Value(Expression e, LayoutTrivia trivia, ulong width, bool bare)
    {
        var buffer = new LayoutBuffer();
        switch (e)
        {
            case IntegerLiteral i:
                return buffer.Text(i.Text.Length > 0 ? i.Text : i.Value.ToString(CultureInfo.InvariantCulture));
            case StringLiteral s:
                return buffer.Text(Quote(s.Value));
            case BooleanLiteral b:
                return buffer.Text(b.Value ? "true" : "false");
            case Identifier i:
                return buffer.Text(i.Name);
            case VariableExpression v:
                return buffer.Text(v.Name);
            case PositionalParameter p:
                return buffer.Text("$" + p.Index.ToString(CultureInfo.InvariantCulture));
            case PositionalParameterCount:
                return buffer.Text("$#");
            case MapAccess m:
                {
                    if (m.IsScalar)
                        return buffer.Text(m.Name);
                    var key = m.Keys.Count >= 2
                        ? List(Items(m.Keys, trivia, true), ", ", Less(Less(width, Indent), Indent))
                        : Expr(m.Keys[0], trivia, Less(width, Indent), true);
                    var broken = (ulong)Encoding.UTF8.GetByteCount(m.Name) + key.Width + 2 > width;
                    return buffer.Text(m.Name + "[").Append(key, broken ? Indent : 0).Text("]");
                }
            case CallExpression c:
                {
                    var arguments = List(Items(c.Arguments, trivia, true), ", ", Less(width, c.Name.Length + 2));
                    var broken = arguments.Width > width;
                    return buffer.Text(c.Name + "(").Append(arguments, broken ? Indent : 0).Text(")");
                }
            case BinaryExpression b:
                {
                    var terms = new List<Expression>();
                    var logical = b.Operator is BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr;
                    void Flatten(Expression x)
                    {
                        if (logical && x is BinaryExpression inner && inner.Operator == b.Operator)
                        {
                            Flatten(inner.Left);
                            Flatten(inner.Right);
                        }
                        else
                            terms.Add(x);
                    }
                    Flatten(b.Left);
                    Flatten(b.Right);
                    return List(Items(terms, trivia, false), " " + Unparser.GetText(b.Operator) + " ", width);
                }
            case UnaryExpression u:
                {
                    // `comptime` is a word: a space before its operand, as bpftrace prints it.
                    var op = u.Operator == UnaryOperator.Comptime ? "comptime " : Unparser.GetText(u.Operator);
                    return buffer.Text(op).Append(Expr(u.Operand, trivia, Less(width, op.Length), false));
                }
            case IncrementExpression inc:
                {
                    var op = inc.IsIncrement ? "++" : "--";
                    var operand = Expr(inc.Target, trivia, Less(width, 2), false);
                    return inc.IsPrefix ? buffer.Text(op).Append(operand) : buffer.Append(operand).Text(op);
                }
            case TernaryExpression t:
                {
                    if (ReferenceEquals(t.Condition, t.WhenTrue))
                        return buffer.Append(Expr(t.Condition, trivia, width, false)).Text(" ?: ").Append(Expr(t.WhenFalse, trivia, Less(width, 2), false));
                    var condition = Expr(t.Condition, trivia, width, false);
                    var whenTrue = Expr(t.WhenTrue, trivia, Less(width, 2), false);
                    var whenFalse = Expr(t.WhenFalse, trivia, Less(width, 2), false);
                    return condition.Width + whenTrue.Width + whenFalse.Width + 8 > width
                        ? buffer.Append(condition).LineBreak().Text("? ").Append(whenTrue).LineBreak().Text(": ").Append(whenFalse)
                        : buffer.Append(condition).Text(" ? ").Append(whenTrue).Text(" : ").Append(whenFalse);
                }
            case FieldAccess f:
                {
                    // bpftrace writes "->" as "."; ours keeps it, since it means a dereference here.
                    var separator = f.IsArrow ? "->" : ".";
                    var target = int.TryParse(f.Field, out _)
                        ? Expr(f.Target, trivia, Less(width, f.Field.Length + 1), false)
                        : Expr(f.Target, trivia, Less(width, f.Field.Length + separator.Length), IsPrimitive(f.Target));
                    return target.Text(separator + f.Field);
                }
            case IndexExpression ix:
                {
                    var target = Expr(ix.Target, trivia, Less(width, 1), false);
                    var index = Expr(ix.Index, trivia, Less(width, Indent), false);
                    var broken = target.Width + index.Width + 2 > width;
                    return buffer.Append(target).Text("[").Append(index, broken ? Indent : 0).Text("]");
                }
            case TupleExpression t:
                {
                    var elements = t.Elements.Count == 1
                        ? Expr(t.Elements[0], trivia, Less(width, 3), true).Text(",")
                        : List(Items(t.Elements, trivia, true), ", ", Less(width, Indent));
                    if (bare)
                        return elements;
                    return buffer.Text("(").Append(elements, elements.Lines > 1 ? Indent : 0).Text(")");
                }
            case RecordExpression r:
                {
                    LayoutBuffer Field((string Name, Expression Value) field, ulong w) =>
                        new LayoutBuffer().Text(field.Name + "=").Append(Expr(field.Value, trivia, Less(w, field.Name.Length + 1), false));
                    var elements = r.Fields.Count == 1
                        ? Field(r.Fields[0], Less(width, 2))
                        : List(r.Fields.Select(f => (Func<ulong, LayoutBuffer>)(w => Field(f, w))).ToList(), ", ", Less(width, Indent));
                    return buffer.Text("(").Append(elements, elements.Lines > 1 ? Indent : 0).Text(")");
                }
            case CastExpression c:
                {
                    buffer.Text("(" + Type(c.Type, trivia, width) + ")");
                    return buffer.Append(Expr(c.Operand, trivia, Less(width, (int)buffer.Width), IsPrimitive(c.Operand)));
                }
            case SizeofExpression s:
                return buffer.Text("sizeof(").Append(TypeArgument(s.Type, s.Operand, trivia, Less(width, 8))).Text(")");
            case OffsetofExpression o:
                return buffer.Text("offsetof(").Append(TypeArgument(o.Type, o.Operand, trivia, width)).Text(", " + string.Join(".", o.FieldPath) + ")");
            case TypeExpression { IsTypeof: true, Type.Of: null } t:
                return buffer.Text("typeof(" + Type(t.Type, trivia, width) + ")");
            case TypeExpression t:
                return buffer.Text(Type(t.Type, trivia, width));
            case BlockExpression b:
                return BlockValue(b.Statements, b.Value, b.Span.End, trivia, width, width);
            default:
                return buffer.Text(Unparser.Unparse(e));
        }
    }

    private List<Func<ulong, LayoutBuffer>> Items(IEnumerable<Expression> expressions, LayoutTrivia trivia, bool bare) =>
        expressions.Select(x => (Func<ulong, LayoutBuffer>)(w => Expr(x, trivia, w, bare || IsComparison(x)))).ToList();

    /// <summary>
    /// Items joined by <paramref name="separator"/>: on one line if they fit, else broken before the first items whose
    /// lines all fit (bpftrace's search, whose "most even" measure is an integer ratio and so takes the first fit).
    /// </summary>
    private static LayoutBuffer List(List<Func<ulong, LayoutBuffer>> items, string separator, ulong width)
    {
        var parts = new List<LayoutBuffer>();
        ulong total = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var part = items[i](i < items.Count - 1 ? Less(width, 1) : width);
            if (i < items.Count - 1)
                part.Text(separator);
            total += part.Width;
            parts.Add(part);
        }
        var result = new LayoutBuffer();
        if (total < width || parts.Count == 0)
        {
            foreach (var part in parts)
                result.Append(part);
            return result;
        }
        var widths = parts.Select(p => p.Width).ToArray();
        var best = BestBreaks(widths, width);
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0 && (best & (1UL << (i - 1))) != 0)
                result.LineBreak();
            result.Append(parts[i]);
        }
        return result;
    }

    private static ulong BestBreaks(ulong[] widths, ulong width)
    {
        var n = widths.Length;
        if (n > 24)
            return 0;
        for (ulong mask = 0; mask < 1UL << (n - 1); mask++)
        {
            ulong line = widths[0], widest = 0;
            for (var i = 1; i < n; i++)
            {
                if ((mask & (1UL << (i - 1))) != 0)
                {
                    widest = Math.Max(widest, line);
                    line = widths[i];
                }
                else
                    line += widths[i];
            }
            widest = Math.Max(widest, line);
            if (widest <= width)
                return mask;
        }
        return 0;
    }

    private LayoutBuffer TypeArgument(TypeSyntax? type, Expression? operand, LayoutTrivia trivia, ulong width)
    {
        if (type != null)
            return new LayoutBuffer().Text(Type(type, trivia, width));
        if (operand == null)
            return new LayoutBuffer();
        var formatted = Expr(operand, trivia, width, true);
        // "sizeof(a[0])" would read back as an array type.
        var inner = operand;
        while (inner is IndexExpression ix)
            inner = ix.Target;
        return operand is IndexExpression && inner is Identifier
            ? new LayoutBuffer().Text("(").Append(formatted).Text(")")
            : formatted;
    }

    private string Type(TypeSyntax type, LayoutTrivia trivia, ulong width)
    {
        if (type.Of is { } of)
            return "typeof(" + TypeArgument(null, of, trivia, Less(width, 8)).ToString().TrimEnd('\n') + ")";
        var text = type.Name + new string('*', type.PointerDepth);
        return type.ArrayLength is { } n
            ? text + "[" + (n > 0 ? n.ToString(CultureInfo.InvariantCulture) : "") + "]" + new string('*', type.OuterPointerDepth)
            : text;
    }

    private static string Quote(string value) => "\"" + Escape(value) + "\"";

    /// <summary>Printable ASCII as is (with <c>\\</c> and <c>\"</c>), <c>\n \t \r</c>, every other byte as <c>\xNN</c>.</summary>
    private static string Escape(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            text.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                >= ' ' and <= '~' => c.ToString(),
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ => "\\x" + b.ToString("x2", CultureInfo.InvariantCulture),
            });
        }
        return text.ToString();
    }
}
