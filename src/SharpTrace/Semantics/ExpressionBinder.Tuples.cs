using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// `==` and `!=` of two tuples or two records, as the newest bpftrace compares them.
internal sealed partial class ExpressionBinder
{
    /// <summary>
    /// An operator with a tuple or record operand. <c>t == u</c> and <c>t != u</c> of tuples or records whose types are compatible as the newest bpftrace's
    /// <c>IsCompatible</c> has it (as many elements, each of the same kind: integers of any size, strings of any
    /// length, nested tuples alike; records' fields matched by name, in any order). Bound as the block
    /// <c>{ let $l = t; let $r = u; $l.0 == $r.0 &amp;&amp; … }</c> with variables of its own (named as macro hygiene
    /// names them, after the operator's place), so each side is evaluated once and its elements compared by value.
    /// </summary>
    private BoundExpression BindTupleComparison(BinaryExpression binary, BoundExpression left, BoundExpression right)
    {
        var op = OperatorText(binary.Operator);
        if (!AreCompatible(left.Type, right.Type))
        {
            // The newest bpftrace's type checker words it so (without quotes, unlike 0.17's operand mismatch).
            _diagnostics.ReportOperandTypeMismatch(binary.Span, op, binary.Left.Span, TypeNames.Of(left.Type), binary.Right.Span, TypeNames.Of(right.Type));
            return Error(binary.Span);
        }
        if (binary.Operator is not (BinaryOperator.Equal or BinaryOperator.NotEqual))
        {
            ReportInvalidOperands(binary, left, right);
            return Error(binary.Span);
        }
        var span = binary.Span;
        var leftVariable = new VariableExpression(span, $"$$compare_{span.Start}_left");
        var rightVariable = new VariableExpression(span, $"$$compare_{span.Start}_right");
        var equal = ElementsEqual(span, leftVariable, rightVariable, (TupleType)left.Type);
        Expression value = binary.Operator == BinaryOperator.Equal ? equal : new UnaryExpression(span, UnaryOperator.LogicalNot, equal);
        Statement[] statements =
        [
            new LetStatement(span, leftVariable.Name, null, binary.Left),
            new LetStatement(span, rightVariable.Name, null, binary.Right),
        ];
        return BindExpression(new BlockExpression(span, statements, value));
    }

    /// <summary>Every element of <paramref name="left"/> equal to the one of <paramref name="right"/> at its place (a record's: of its name), nested tuples element by element.</summary>
    private static Expression ElementsEqual(TextSpan span, Expression left, Expression right, TupleType type)
    {
        Expression? all = null;
        for (var i = 0; i < type.Elements.Count; i++)
        {
            var field = type.Names?[i] ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var (a, b) = (new FieldAccess(span, left, field, IsArrow: false), new FieldAccess(span, right, field, IsArrow: false));
            Expression equal = type.Elements[i] is TupleType inner
                ? ElementsEqual(span, a, b, inner)
                : new BinaryExpression(span, BinaryOperator.Equal, a, b);
            all = all is null ? equal : new BinaryExpression(span, BinaryOperator.LogicalAnd, all, equal);
        }
        return all ?? new BooleanLiteral(span, true);
    }

    /// <summary>Whether two values may be compared, as the newest bpftrace's <c>SizedType::IsCompatible</c> decides.</summary>
    private static bool AreCompatible(BpfType a, BpfType b) => (a, b) switch
    {
        (BoolType, BoolType) => true,
        (BoolType, _) or (_, BoolType) => false,
        (PointerType x, PointerType y) => x.Target.Resolved.Name == y.Target.Resolved.Name,
        (PointerType, _) or (_, PointerType) => false,
        (IntegerType, IntegerType) or (StringType, StringType) => true,
        (TupleType x, TupleType y) => x.Elements.Count == y.Elements.Count && (x.Names is null) == (y.Names is null)
            && (x.Names is null
                ? x.Elements.Zip(y.Elements).All(p => AreCompatible(p.First, p.Second))
                : x.Names.Select((name, i) => (name, i)).All(f => IndexOf(y.Names!, f.name) is var j and >= 0 && AreCompatible(x.Elements[f.i], y.Elements[j]))),
        (CValueType { CType.Resolved: CArrayType x }, CValueType { CType.Resolved: CArrayType y }) => x.Element.Resolved == y.Element.Resolved && x.Count == y.Count,
        (CValueType x, CValueType y) => x.CType.Resolved.Name == y.CType.Resolved.Name,
        _ => a == b,
    };

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
                return i;
        }
        return -1;
    }
}
