namespace SharpTrace.Semantics;

/// <summary>
/// The types the newest bpftrace gives integer literals ("Data Types"): the smallest signed integer that holds the
/// value (<c>0</c>, <c>1</c> and <c>-1</c> are int8), uint64 for a value past int64's range.
/// </summary>
internal static class IntegerLiterals
{
    /// <summary>The type of a non-negative literal as written.</summary>
    public static IntegerType TypeOf(ulong value) => value > long.MaxValue ? BpfType.UInt64 : TypeOfSigned((long)value);

    /// <summary>The type of a literal with a sign (<c>-1000</c> is int16).</summary>
    public static IntegerType TypeOfSigned(long value) => value switch
    {
        >= sbyte.MinValue and <= sbyte.MaxValue => BpfType.Int8,
        >= short.MinValue and <= short.MaxValue => BpfType.Int16,
        >= int.MinValue and <= int.MaxValue => BpfType.Int32,
        _ => BpfType.Int64,
    };

    /// <summary>A literal of <paramref name="value"/> (a uint64 one when <paramref name="isUnsigned"/>), typed as the newest bpftrace types it.</summary>
    /// <remarks>
    /// A literal that is not negative and fits int64 is sign flexible (<see cref="IntegerType.IsSignFlexible"/>): it
    /// takes the sign of the integer it meets, so <c>(uint32)$x + 1</c> stays unsigned.
    /// </remarks>
    public static BoundIntegerLiteral Bind(Syntax.TextSpan span, long value, bool isUnsigned = false) =>
        new(span, value, isUnsigned && value < 0 ? BpfType.UInt64 : TypeOfSigned(value) with { IsSignFlexible = value >= 0 });

    /// <summary>True for a value whose type takes the sign of the integer it meets (<see cref="IntegerType.IsSignFlexible"/>).</summary>
    public static bool IsSignFlexible(BoundExpression expression) => expression.Type is IntegerType { IsSignFlexible: true };
}
