using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// Structs, unions and arrays as values: copies and objects in memory, array elements at run-time indexes, casts
// between integers and integer arrays, array comparison; strings and tuples indexed.
internal sealed partial class ExpressionBinder
{
    /// <summary>
    /// Whether a struct, union or array value is a copy the program holds (a variable, a map's value or key, a tuple's
    /// element, a member of such a copy) rather than an object in memory whose members are read from there.
    /// </summary>
    private static bool IsCopy(BoundExpression value) => value.Type is CValueType && !InMemory(value);

    /// <summary>Whether a struct, array or string is an object in memory, addressed, not a copy the program holds.</summary>
    private static bool InMemory(BoundExpression value) => value is BoundMemoryRead or BoundArrayElement { InMemory: true };

    /// <summary>
    /// <c>s[i]</c> of a string: its byte at <c>i</c> as an int8, as the newest bpftrace indexes strings. A constant index
    /// is checked against the string's size; a run-time one against it when the probe runs (the verifier needs the
    /// bound), reading zero past the end without a warning (the reference checks nothing there).
    /// </summary>
    private BoundExpression BindStringElement(IndexExpression index, BoundExpression text, BoundExpression position, StringType type)
    {
        var user = IsUserText(text);
        var element = BpfType.Int8;
        if (position is BoundIntegerLiteral { Value: var i })
        {
            if (i < 0 || i >= type.Capacity)
            {
                _diagnostics.ReportIndexOutOfBounds(index.Span, i, type.Capacity);
                return Error(index.Span);
            }
            return StringByte(index.Span, text, (int)i);
        }
        if (!position.Type.IsInteger || position.Type is PointerType)
        {
            _diagnostics.ReportNonIntegerIndex(index.Span, TypeNames.Of(position.Type));
            return Error(index.Span);
        }
        return new BoundArrayElement(index.Span, text, position, type.Capacity, 1, element, user, InMemory(text), BoundArrayElement.NoWarning);
    }

    /// <summary>The string's byte at a constant <paramref name="offset"/>, an int8: read from memory when the string is there.</summary>
    private static BoundExpression StringByte(TextSpan span, BoundExpression text, int offset) => InMemory(text)
        ? new BoundMemoryRead(span, text, offset, BpfType.Int8, IsUserText(text))
        : new BoundStoredMember(span, text, offset, BpfType.Int8);

    private static bool IsUserText(BoundExpression text) => text is BoundMemoryRead { IsUserSpace: true } or BoundArrayElement { IsUserSpace: true };

    /// <summary>
    /// <c>t[1 - 1]</c> of a tuple: its element at a constant index, as <c>t.0</c> (the newest bpftrace's array-style
    /// access); a run-time index is its error.
    /// </summary>
    private BoundExpression BindTupleIndex(IndexExpression index, BoundExpression tuple, BoundExpression position, TupleType type)
    {
        if (position is not BoundIntegerLiteral { Value: var i })
        {
            _diagnostics.Error(index.Span, "Array-style access for tuples only valid for integer literals");
            return Error(index.Span);
        }
        if (i < 0 || i >= type.Elements.Count)
        {
            _diagnostics.Error(index.Span, $"Invalid tuple index: {i}. Found {type.Elements.Count} elements in tuple.");
            return Error(index.Span);
        }
        return LiteralFolding.FoldElement(tuple, (int)i) ?? new BoundTupleElement(index.Span, tuple, (int)i, type.Elements[(int)i]);
    }

    /// <summary>The value of an index made of integer literals and operators on them (<c>1 + 2</c>, <c>-1</c>), else null.</summary>
    private static long? ConstantIndex(BoundExpression e) => e switch
    {
        BoundIntegerLiteral literal => literal.Value,
        BoundUnary { Operator: BoundUnaryOperatorKind.Negate } u => -ConstantIndex(u.Operand),
        BoundUnary { Operator: BoundUnaryOperatorKind.BitwiseNot } u => ~ConstantIndex(u.Operand),
        BoundBinary b when ConstantIndex(b.Left) is { } l && ConstantIndex(b.Right) is { } r => b.Operator switch
        {
            BoundBinaryOperatorKind.Add => l + r,
            BoundBinaryOperatorKind.Subtract => l - r,
            BoundBinaryOperatorKind.Multiply => l * r,
            BoundBinaryOperatorKind.DivideUnsigned when r != 0 => (long)((ulong)l / (ulong)r),
            BoundBinaryOperatorKind.ModuloUnsigned when r != 0 => (long)((ulong)l % (ulong)r),
            BoundBinaryOperatorKind.BitwiseAnd => l & r,
            BoundBinaryOperatorKind.BitwiseOr => l | r,
            BoundBinaryOperatorKind.BitwiseXor => l ^ r,
            BoundBinaryOperatorKind.ShiftLeft when r is >= 0 and < 64 => l << (int)r,
            BoundBinaryOperatorKind.ShiftRightLogical when r is >= 0 and < 64 => (long)((ulong)l >> (int)r),
            BoundBinaryOperatorKind.ShiftRightArithmetic when r is >= 0 and < 64 => l >> (int)r,
            _ => null,
        },
        _ => null,
    };

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
            _diagnostics.ReportUnsupported(index.Span, $"Indexing elements of type '{TypeNames.Of(type.Element)}'");
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
        var head = CastHead(cast);
        // (uint8[4])pton(…): already that array, the newest bpftrace's warning.
        if (element is not null && syntax.ArrayLength is int length && operand.Type is CValueType { CType.Resolved: CArrayType }
            && TypeNames.Of(operand.Type) == TypeNames.Of(new CArrayType(element, length)))
        {
            _diagnostics.ReportUnnecessaryCast(head, TypeNames.Of(operand.Type));
            return operand;
        }
        if (element is null || operand.Type is not (IntegerType or StringType))
        {
            ReportInvalidCast(head, operand, element is null ? syntax.Written : TypeNames.Of(new CArrayType(element, syntax.ArrayLength ?? 0)));
            return Error(cast.Span);
        }
        // A literal is as wide as the smallest integer type holding it, as the newest bpftrace types literals.
        var sourceSize = operand is BoundIntegerLiteral { Value: var value } ? LiteralSize(value) : operand.Type.Size;
        var count = syntax.ArrayLength ?? 0;
        if (count == 0)
        {
            if (sourceSize % element.Size != 0)
            {
                _diagnostics.ReportCastArraySize(head);
                return Error(cast.Span);
            }
            count = sourceSize / element.Size;
        }
        var array = new CArrayType(element, count);
        if (array.Size != sourceSize && (operand.Type is StringType || array.Size > 8 || array.Size < sourceSize))
        {
            ReportInvalidCast(head, operand, TypeNames.Of(array));
            return Error(cast.Span);
        }
        return new BoundCast(cast.Span, operand, new CValueType(array, false));
    }

    private static int LiteralSize(long value) => value switch
    {
        >= sbyte.MinValue and <= sbyte.MaxValue => 1,
        >= short.MinValue and <= short.MaxValue => 2,
        >= int.MinValue and <= int.MaxValue => 4,
        _ => 8,
    };

    /// <summary><c>(uint64)$arr</c>: an array's bytes as an integer of the same size.</summary>
    private BoundExpression BindCastOfArray(CastExpression cast, TextSpan head, BoundExpression operand, CType target)
    {
        if (target.Resolved is not CIntegerType { Size: 1 or 2 or 4 or 8 } integer || integer.Size != operand.Type.Size)
        {
            ReportInvalidCast(head, operand, TypeNames.Of(target));
            return Error(cast.Span);
        }
        return new BoundCast(cast.Span, operand, new IntegerType(integer.Size, integer.IsSigned));
    }

    /// <summary>
    /// <c>c ? *$p : *$q</c>: two structs, unions or arrays of the same type make a copy of that type, as the newest
    /// bpftrace types branches; others are its error.
    /// </summary>
    private BoundExpression BindValueTernary(TernaryExpression ternary, BoundExpression condition, BoundExpression whenTrue, BoundExpression whenFalse,
        CValueType left, CValueType right)
    {
        if (!SameCType(left.CType, right.CType))
        {
            _diagnostics.Error(ternary.Span,
                $"Branches must return the same type or compatible types: have '{TypeNames.Of(left)}' and '{TypeNames.Of(right)}'");
            return Error(ternary.Span);
        }
        // Pointers in the copy point where the object's did (user memory for a struct read from user memory).
        return new BoundTernary(ternary.Span, condition, whenTrue, whenFalse, new CValueType(left.CType, left.IsUserSpace || right.IsUserSpace));
    }

    private static bool SameCType(CType a, CType b) => (a.Resolved, b.Resolved) switch
    {
        (CArrayType x, CArrayType y) => x.Count == y.Count && SameCType(x.Element, y.Element),
        (CIntegerType x, CIntegerType y) => x.Size == y.Size && x.IsSigned == y.IsSigned,
        var (x, y) => ReferenceEquals(x, y) || (x.Name == y.Name && x.Size == y.Size),
    };

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
