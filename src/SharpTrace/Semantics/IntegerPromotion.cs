namespace SharpTrace.Semantics;

/// <summary>
/// How the newest bpftrace widens integer types where two meet (a variable assigned twice, a map's values or keys,
/// the branches of a ternary, the operands of a comparison): types.cpp's get_promoted_type and FitsInto. A literal that
/// is not negative is "sign flexible": it takes the sign of the integer it meets.
/// </summary>
internal static class IntegerPromotion
{
    /// <summary>
    /// The type that holds values of both types: the larger size when the signs agree (or one side is flexible);
    /// for a signed and an unsigned type, the signed one when it is larger, else a signed type twice the larger size,
    /// int64 at most (then the unsigned side may not fit: "being cast").
    /// </summary>
    public static IntegerType Promote(IntegerType current, bool currentFlexible, IntegerType value, bool valueFlexible)
    {
        // Two values of one enum stay that enum; an enum meeting any other integer is a plain integer.
        if (current.Enum is not null && current == value)
            return current;
        var size = Math.Max(current.Bytes, value.Bytes);
        if (current.IsSigned == value.IsSigned)
            return new IntegerType(size, current.IsSigned);
        if (currentFlexible || valueFlexible)
            return new IntegerType(size, (!currentFlexible && current.IsSigned) || (!valueFlexible && value.IsSigned));
        if (current.IsSigned && current.Bytes > value.Bytes)
            return current;
        if (value.IsSigned && value.Bytes > current.Bytes)
            return value;
        return size * 2 > 8 ? BpfType.Int64 : new IntegerType(size * 2, true);
    }

    /// <summary>
    /// True when every value of <paramref name="type"/> keeps its value in <paramref name="target"/>: the same sign
    /// (or a flexible literal) and no larger, or unsigned into a larger signed type.
    /// </summary>
    public static bool FitsInto(IntegerType type, bool flexible, IntegerType target) =>
        type.IsSigned == target.IsSigned || flexible ? type.Bytes <= target.Bytes : !type.IsSigned && type.Bytes < target.Bytes;

    /// <summary>True when the literal <paramref name="value"/> (a uint64 one unless <paramref name="isSigned"/>) is in <paramref name="type"/>'s range.</summary>
    public static bool Holds(IntegerType type, long value, bool isSigned)
    {
        if (!isSigned && value < 0)
            return type is { IsSigned: false, Bytes: 8 };
        if (value < 0 && !type.IsSigned)
            return false;
        var bits = type.Bytes * 8 - (type.IsSigned ? 1 : 0);
        return bits >= 63 || (value < 0 ? value >= -(1L << bits) : value < (1L << bits));
    }

    /// <summary>
    /// The type a variable holding <paramref name="current"/> takes when <paramref name="value"/> is assigned to it:
    /// integers promoted, tuples and records element by element, strings the longer; null when they don't meet.
    /// </summary>
    public static BpfType? Promote(BpfType current, bool currentFlexible, BpfType value, bool valueFlexible) => (current, value) switch
    {
        _ when current == value => current,
        (IntegerType c, IntegerType v) => Promote(c, currentFlexible, v, valueFlexible),
        (StringType c, StringType v) => c.Capacity >= v.Capacity ? c : v,
        (TupleType c, TupleType v) when c.Elements.Count == v.Elements.Count && (c.Names is null) == (v.Names is null)
            && (c.Names is null || c.Names.ToHashSet().SetEquals(v.Names!)) => PromoteElements(c, v),
        _ => null,
    };

    private static TupleType? PromoteElements(TupleType current, TupleType value)
    {
        var elements = new BpfType[current.Elements.Count];
        for (var i = 0; i < value.Elements.Count; i++)
        {
            var target = value.PositionIn(current, i);
            // A tuple's non-negative literal elements are sign flexible too (types.cpp's get_promoted_element).
            var (known, added) = (current.Elements[target], value.Elements[i]);
            if (Promote(known, known is IntegerType { IsSignFlexible: true }, added, added is IntegerType { IsSignFlexible: true }) is not { } promoted)
                return null;
            elements[target] = promoted;
        }
        return current.WithElements(elements);
    }
}
