using System.Globalization;

namespace SharpTrace.Output;

/// <summary>
/// A struct or union's members in declaration order, as bpftrace prints a C record: <c>{ .a = 1, .b = hello }</c> in
/// text (<c>{}</c> when it has none), an object in JSON.
/// </summary>
public sealed record RecordValue(IReadOnlyList<RecordMember> Fields) : RuntimeValue
{
    /// <summary>The record as bpftrace's text prints it.</summary>
    public override string ToString() => TextOutputWriter.FormatValue(this);

    /// <inheritdoc/>
    public bool Equals(RecordValue? other) => other is not null && Fields.SequenceEqual(other.Fields);

    /// <inheritdoc/>
    public override int GetHashCode() => Sequence.Hash(Fields);
}

/// <summary>One member of a <see cref="RecordValue"/>.</summary>
public sealed record RecordMember(string Name, RuntimeValue Value);

/// <summary>A C array's elements: <c>[1,2,3]</c> in text and JSON (no spaces, unlike a tuple).</summary>
public sealed record ArrayValue(IReadOnlyList<RuntimeValue> Elements) : RuntimeValue
{
    /// <summary>The array as bpftrace's text prints it.</summary>
    public override string ToString() => TextOutputWriter.FormatValue(this);

    /// <inheritdoc/>
    public bool Equals(ArrayValue? other) => other is not null && Elements.SequenceEqual(other.Elements);

    /// <inheritdoc/>
    public override int GetHashCode() => Sequence.Hash(Elements);
}

/// <summary>
/// A number shown by a name: an enum value (<c>FOO</c>), an address (<c>0x7ffd5e3c</c>). Text prints the name, JSON
/// the number, as the newest bpftrace does.
/// </summary>
public sealed record SymbolicValue(string Symbol, ulong Number) : RuntimeValue
{
    /// <summary>An address as bpftrace prints a pointer: in hex.</summary>
    public static SymbolicValue Address(ulong address) => new("0x" + address.ToString("x", CultureInfo.InvariantCulture), address);

    /// <summary>A value of an enum, printed by its enumerator's name (or its number when none has it).</summary>
    public static SymbolicValue Enumerator(string name, ulong value) => new(name, value) { IsEnum = true };

    /// <summary>
    /// True for an enum's value: an integer to printf's <c>%d</c>, and ordered by its number where maps are sorted, as
    /// bpftrace sorts integer values and keys (addresses are not).
    /// </summary>
    public bool IsEnum { get; init; }

    /// <summary>The name, as bpftrace's text prints it.</summary>
    public override string ToString() => Symbol;
}

/// <summary>A value bpftrace cannot show (a float member): <c>null</c> in text and JSON.</summary>
public sealed record NoneValue : RuntimeValue
{
    /// <summary>The one none value.</summary>
    public static readonly NoneValue Instance = new();

    /// <summary>As bpftrace prints it.</summary>
    public override string ToString() => "null";
}
