using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// Structs, unions and arrays as values: copies and objects in memory, array elements at run-time indexes, casts
// between integers and integer arrays, array comparison.
internal sealed partial class ExpressionBinder
{
    /// <summary>
    /// Whether a struct, union or array value is a copy the program holds (a variable, a map's value or key, a tuple's
    /// element, a member of such a copy) rather than an object in memory whose members are read from there.
    /// </summary>
    private static bool IsCopy(BoundExpression value) => value.Type is CValueType && value is not (BoundMemoryRead or BoundArrayElement { InMemory: true });

    /// <summary><c>a[i]</c> of an array with an index known at run time, checked against the array's length there.</summary>
    private BoundExpression BindArrayElement(IndexExpression index, BoundExpression array, BoundExpression position, CArrayType type, bool user)
    {
        if (!position.Type.IsInteger || position.Type is PointerType)
        {
            _diagnostics.ReportNonIntegerIndex(index.Span, TypeNames.Of(position.Type));
            return Error(index.Span);
        }
        if (ValueTypeOf(type.Element, user) is not { } element)
        {
            _diagnostics.ReportUnsupported(index.Span, $"Indexing elements of type '{type.Element.Name}'");
            return Error(index.Span);
        }
        var location = SourceLocation.Of(_diagnostics.Source, index.Span);
        var outOfBounds = _context.AddAction(id => new Records.RuntimeErrorAction(id, Records.RuntimeErrorAction.ArrayAccessOutOfBounds, location));
        return AsScriptBool(type.Element, new BoundArrayElement(index.Span, array, position, type.Count, type.Element.Size, element, user, !IsCopy(array), outOfBounds));
    }

    /// <summary>
    /// <c>(uint8[8])x</c>, <c>(int16[])x</c>, <c>(bool[2])x</c>: an integer's bytes as an array of integers or bools, as
    /// the newest bpftrace casts them. The array is as large as the integer, or larger up to 8 bytes (the integer
    /// widened); left out, the length is the integer's size over the element's. A string's bytes, NUL and all, make
    /// an array exactly as large (<c>(int8[])"hello"</c> is <c>[104,101,108,108,111,0]</c>).
    /// </summary>
    private BoundExpression BindCastToArray(CastExpression cast, BoundExpression operand)
    {
        var syntax = cast.Type;
        // bpftrace's name for the element (uint8, not unsigned char): an array of it prints as numbers, not as a string.
        CType? element = syntax.PointerDepth > 0 ? null
            : syntax.Name == "bool" ? CBoolType.Script
            : IntegerTypeNames.TryGetValue(syntax.Name, out var named) ? new CIntegerType(syntax.Name, named.Size, named.IsSigned)
            : null;
        if (element is null || operand.Type is not (IntegerType or StringType))
        {
            _diagnostics.ReportInvalidCast(cast.Span, TypeNames.Of(operand.Type), Written(syntax));
            return Error(cast.Span);
        }
        // A literal is as wide as the smallest integer type holding it, as the newest bpftrace types literals.
        var sourceSize = operand is BoundIntegerLiteral { Value: var value } ? LiteralSize(value) : operand.Type.Size;
        var count = syntax.ArrayLength ?? 0;
        if (count == 0)
        {
            if (sourceSize % element.Size != 0)
            {
                _diagnostics.Error(cast.Span, "Cannot determine array size: the element size is incompatible with the cast integer size");
                return Error(cast.Span);
            }
            count = sourceSize / element.Size;
        }
        var array = new CArrayType(element, count);
        if (array.Size != sourceSize && (operand.Type is StringType || array.Size > 8 || array.Size < sourceSize))
        {
            _diagnostics.ReportInvalidCast(cast.Span, TypeNames.Of(operand.Type), array.Name);
            return Error(cast.Span);
        }
        return new BoundCast(cast.Span, operand, new CValueType(array, false));
    }

    private static string Written(TypeSyntax syntax) =>
        syntax.Name + new string('*', syntax.PointerDepth) + (syntax.ArrayLength is { } n ? $"[{(n > 0 ? n : "")}]" : "");

    private static int LiteralSize(long value) => value switch
    {
        >= sbyte.MinValue and <= sbyte.MaxValue => 1,
        >= short.MinValue and <= short.MaxValue => 2,
        >= int.MinValue and <= int.MaxValue => 4,
        _ => 8,
    };

    /// <summary><c>(uint64)$arr</c>: an array's bytes as an integer of the same size.</summary>
    private BoundExpression BindCastOfArray(CastExpression cast, BoundExpression operand, CType target)
    {
        if (target.Resolved is not CIntegerType { Size: 1 or 2 or 4 or 8 } integer || integer.Size != operand.Type.Size)
        {
            _diagnostics.ReportInvalidCast(cast.Span, TypeNames.Of(operand.Type), Written(cast.Type));
            return Error(cast.Span);
        }
        return new BoundCast(cast.Span, operand, new IntegerType(integer.Size, integer.IsSigned));
    }

    /// <summary><c>==</c> and <c>!=</c> of two integer arrays of the same type (bpftrace's rules and messages).</summary>
    private BoundExpression BindArrayComparison(BinaryExpression binary, BoundExpression left, BoundExpression right)
    {
        var (a, b) = ((CArrayType)((CValueType)left.Type).CType.Resolved, (CArrayType)((CValueType)right.Type).CType.Resolved);
        if (binary.Operator is not (BinaryOperator.Equal or BinaryOperator.NotEqual))
        {
            _diagnostics.Error(binary.Span, $"The {OperatorText(binary.Operator)} operator cannot be used on arrays.");
            return Error(binary.Span);
        }
        if (a.Count != b.Count)
        {
            _diagnostics.Error(binary.Span, "Only arrays of same size support comparison operators.");
            return Error(binary.Span);
        }
        if (a.Element.Resolved is not CIntegerType x || b.Element.Resolved is not CIntegerType y || x.Size != y.Size || x.IsSigned != y.IsSigned)
        {
            _diagnostics.Error(binary.Span, "Only arrays of same sized integer support comparison operators.");
            return Error(binary.Span);
        }
        return new BoundArrayComparison(binary.Span, left, right, binary.Operator == BinaryOperator.Equal);
    }
}
