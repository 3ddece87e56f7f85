using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Semantics;

/// <summary>The type of a value in a bpftrace program, as the code generator and the runtime see it.</summary>
internal abstract record BpfType : Records.IRecordValueType
{
    /// <summary>Bytes the value occupies in a map, a stack buffer or an output record.</summary>
    public abstract int Size { get; }

    /// <summary>
    /// Where the value may start as an element of a tuple or record, laid out as a C struct member as the newest
    /// bpftrace lays them out (its in-tuple alignment): integers and bools at a multiple of their size, its byte arrays
    /// (strings, buffers, inet, timestamps, usym, mac addresses, cgroup paths) anywhere, structs and arrays at their C
    /// alignment, tuples at their widest element's, the rest (stacks, ksym, username) at a multiple of 8. A value
    /// written as 8-byte words that lands off a word boundary is built aside and copied in (the verifier rejects a
    /// misaligned stack store).
    /// </summary>
    public virtual int Alignment => 8;

    public virtual bool IsInteger => false;
    public virtual bool IsString => false;

    public static readonly IntegerType Int8 = new(1, true);
    public static readonly IntegerType Int16 = new(2, true);
    public static readonly IntegerType Int32 = new(4, true);
    public static readonly IntegerType Int64 = new(8, true);
    public static readonly IntegerType UInt64 = new(8, false);
    public static readonly IntegerType UInt32 = new(4, false);
    public static readonly VoidType Void = new();
}

/// <summary>
/// A value whose bytes only user space turns into what is printed (strftime()'s timestamp, strerror()'s text): the
/// type decodes its values itself, in the file of the builtin that makes it, and printf's <c>%s</c> takes it.
/// </summary>
internal abstract record SelfDecodingType : BpfType
{
    /// <summary>The value of <see cref="BpfType.Size"/> bytes written by the probe, as user space prints it.</summary>
    public abstract Output.RuntimeValue Decode(ReadOnlySpan<byte> bytes);
}

/// <summary>A signed or unsigned integer of 1, 2, 4 or 8 bytes.</summary>
internal sealed record IntegerType(int Bytes, bool IsSigned) : BpfType
{
    /// <summary>
    /// A value known not to be negative, from literals only (<c>1</c>, <c>$a = 1</c>): it takes the sign of the
    /// integer it meets, as the newest bpftrace's "sign flexible" types do, so <c>$a = 1; $a = (uint64)2</c> makes
    /// <c>$a</c> a uint64 without a warning. Not part of the type's identity.
    /// </summary>
    public bool IsSignFlexible { get; init; }

    /// <summary>
    /// The enum whose values this integer holds (an enumerator <c>A</c>, <c>(enum Foo)x</c>, an enum-typed field or
    /// parameter), or null: as in the newest bpftrace, an integer that prints by the enumerator's name (text, printf's
    /// <c>%s</c>) and is named <c>enum Foo</c>. Part of the type's identity, so a variable or map that also holds another
    /// integer (arithmetic on it, another enum) is a plain integer.
    /// </summary>
    public CEnumType? Enum { get; init; }

    public bool Equals(IntegerType? other) => other is not null && Bytes == other.Bytes && IsSigned == other.IsSigned && SameEnum(Enum, other.Enum);
    public override int GetHashCode() => HashCode.Combine(Bytes, IsSigned);

    // Enums are the same by name, as bpftrace compares them; anonymous ones only with themselves.
    private static bool SameEnum(CEnumType? a, CEnumType? b) =>
        ReferenceEquals(a, b) || (a?.Tag is { } tag && tag == b?.Tag && a.Size == b.Size);

    /// <summary>This integer's size and sign without an enum.</summary>
    public IntegerType Plain => Enum is null ? this : this with { Enum = null };

    public override int Size => Bytes;
    public override int Alignment => Bytes;
    public override bool IsInteger => true;
    public override string ToString() => Enum is { } e ? e.Name : (IsSigned ? "int" : "uint") + (Bytes * 8);
}

/// <summary>
/// <c>bool</c>: <c>true</c>, <c>false</c>, comparisons, <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>. Held as a 0 or 1 in one
/// byte, as the newest bpftrace holds it (<c>sizeof((true, (int8)1))</c> is 2), computed with as an integer (a
/// condition, printf's <c>%d</c>), printed as <c>true</c> or <c>false</c>.
/// </summary>
internal sealed record BoolType : SelfDecodingType
{
    public static readonly BoolType Instance = new();

    public override int Size => 1;
    public override int Alignment => 1;
    public override bool IsInteger => true;
    public override string ToString() => "bool";

    public override Output.RuntimeValue Decode(ReadOnlySpan<byte> bytes) => new Output.BooleanValue(bytes.IndexOfAnyExcept((byte)0) >= 0);
}

/// <summary>A NUL-terminated string stored in a fixed buffer of <see cref="Capacity"/> bytes.</summary>
internal sealed record StringType(int Capacity) : BpfType
{
    public override int Size => Capacity;
    public override int Alignment => 1;
    public override bool IsString => true;
    public override string ToString() => "string";
}

/// <summary>
/// A pointer into kernel or user memory; <see cref="Target"/> is the C type pointed at. <see cref="IsUserSpace"/>
/// says which helper reads through it (bpf_probe_read_user or _kernel).
/// </summary>
internal sealed record PointerType(CType Target, bool IsUserSpace) : BpfType
{
    /// <summary>The type pointed at, typedefs looked through (<c>(size_t *)x</c> is a <c>uint64 *</c>, as in the newest bpftrace).</summary>
    public CType Target { get; init; } = Target.Canonical;

    public override int Size => 8;
    public override bool IsInteger => true;
    // Named as the newest bpftrace names pointers: "uint64 *", "int32[4] *", "struct task_struct *".
    public override string ToString() => TypeNames.Of(this);

    // One pointer type per name of what it points at, as the newest bpftrace compares pointer types: a `uint64 *` from
    // `&$a` of a uint64 variable and one from `typeof(size_t *)` (BTF's `long unsigned int`) are the same type.
    public bool Equals(PointerType? other) =>
        other is not null && IsUserSpace == other.IsUserSpace && TypeNames.Of(Target) == TypeNames.Of(other.Target);

    public override int GetHashCode() => HashCode.Combine(TypeNames.Of(Target), IsUserSpace);
}

/// <summary>
/// A struct, union or array that lives in kernel or user memory (<c>curtask->se</c>, <c>*$task</c>): it has an
/// address, and its members or elements are read from there when used.
/// </summary>
internal sealed record CValueType(CType CType, bool IsUserSpace) : BpfType
{
    public override int Size => CType.Size;
    public override int Alignment => Math.Max(1, CType.Alignment);

    /// <summary>The object's bytes as bpftrace prints them (<see cref="CValues"/>), its full char arrays ending with <paramref name="truncationTrailer"/>.</summary>
    public Output.RuntimeValue Decode(ReadOnlySpan<byte> bytes, string truncationTrailer) => CValues.Decode(CType, bytes, truncationTrailer);

    // Named as the newest bpftrace names C types: "struct foo", "int16[4]", "string[16]" for a char array.
    public override string ToString() => TypeNames.Of(CType);
}

/// <summary>
/// A tuple, laid out as the C struct of its elements (as the newest bpftrace lays tuples out): each element at the next
/// multiple of its <see cref="BpfType.Alignment"/>, the size rounded up to the widest alignment; the padding bytes are
/// written as zeros, so that equal tuples are equal bytes (map keys). A record (<c>(a = 1, b = "x")</c>) is a tuple
/// whose elements have <see cref="Names"/>: laid out, stored and lowered as the tuple, printed as a struct.
/// </summary>
internal sealed record TupleType(IReadOnlyList<BpfType> Elements) : BpfType
{
    /// <summary>A record's field names, one per element; null for a tuple.</summary>
    public IReadOnlyList<string>? Names { get; init; }

    public override int Size => AlignUp(End(Elements.Count), Alignment);
    public override int Alignment => Elements.Count == 0 ? 1 : Elements.Max(e => e.Alignment);

    /// <summary>Where element <paramref name="index"/> starts.</summary>
    public int OffsetOf(int index) => AlignUp(End(index), Elements[index].Alignment);

    /// <summary>
    /// Bytes from element <paramref name="index"/>'s offset to the next element's (the last one: to the tuple's end):
    /// the element and the padding after it, which whoever writes the element zeroes.
    /// </summary>
    public int SlotSize(int index) => (index + 1 < Elements.Count ? OffsetOf(index + 1) : Size) - OffsetOf(index);

    // Where the elements before `count` end.
    private int End(int count)
    {
        var offset = 0;
        for (var i = 0; i < count; i++)
            offset = AlignUp(offset, Elements[i].Alignment) + Elements[i].Size;
        return offset;
    }

    private static int AlignUp(int offset, int alignment) => (offset + alignment - 1) / alignment * alignment;

    public static int Align8(int size) => (size + 7) & ~7;

    /// <summary>
    /// Where element <paramref name="index"/> of this tuple goes in <paramref name="target"/>: the same index, or for
    /// two records the target's field of the same name (the newest bpftrace matches records' fields by name).
    /// </summary>
    public int PositionIn(TupleType target, int index)
    {
        if (Names is null || target.Names is null)
            return index;
        for (var i = 0; i < target.Names.Count; i++)
        {
            if (target.Names[i] == Names[index])
                return i;
        }
        return index;
    }

    /// <summary>
    /// True when a value of <paramref name="value"/>'s type can be written into this one with records' fields
    /// matched by name: the same elements, except that records (here or nested) may list their fields in another
    /// order, and strings and integers may be narrower (an integer widened keeping its value).
    /// </summary>
    public bool Holds(TupleType value) =>
        Elements.Count == value.Elements.Count && (Names is null) == (value.Names is null)
        && (Names is null || Names.ToHashSet().SetEquals(value.Names!))
        && value.Elements.Select((e, i) => (Value: e, Target: Elements[value.PositionIn(this, i)]))
            .All(p => p.Value == p.Target || p is (StringType { Capacity: var shorter }, StringType { Capacity: var longer }) && shorter <= longer
                || p is (IntegerType narrow, IntegerType wide) && (narrow.Size < wide.Size || (narrow.Size == wide.Size && narrow.IsSigned == wide.IsSigned))
                || (p.Target is TupleType inner && p.Value is TupleType innerValue && inner.Holds(innerValue)));

    /// <summary>This tuple's or record's shape with other element types (the same names).</summary>
    public TupleType WithElements(IReadOnlyList<BpfType> elements) => new(elements) { Names = Names };

    public bool Equals(TupleType? other) => other is not null && Elements.SequenceEqual(other.Elements)
        && (Names is null ? other.Names is null : other.Names is not null && Names.SequenceEqual(other.Names));
    public override int GetHashCode() => Elements.Aggregate(Names is null ? 17 : 19, (h, e) => h * 31 + e.GetHashCode());
    public override string ToString() => Names is null
        ? "(" + string.Join(",", Elements) + ")"
        : "record { " + string.Join(", ", Elements.Select((e, i) => "." + Names[i] + " = " + e)) + " }";
}

/// <summary>No value: the type of statements and of functions like <c>printf</c>.</summary>
internal sealed record VoidType : BpfType
{
    public override int Size => 0;
    public override string ToString() => "none";
}

internal enum AggregationKind { Count, Sum, Min, Max, Avg, Stats, Hist, Lhist, Tseries }

/// <summary>The value type of a map filled by an aggregation function such as <c>count()</c>.</summary>
/// <remarks>
/// hist and lhist keep their constant arguments here (<see cref="Bits"/>; <see cref="Min"/>, <see cref="Max"/>,
/// <see cref="Step"/>): every update of a map must agree on them, and user space needs them to label the buckets.
/// </remarks>
internal sealed record AggregationType(AggregationKind Kind) : BpfType
{
    /// <summary>hist, lhist and tseries: stored as one entry per bucket, so no value at a key to read or print.</summary>
    public bool IsMultiKey => Kind is AggregationKind.Hist or AggregationKind.Lhist or AggregationKind.Tseries;

    /// <summary>hist's second argument: each power of two is split into 2^Bits buckets.</summary>
    public int Bits { get; init; }

    /// <summary>lhist's range and bucket width.</summary>
    public long Min { get; init; }
    public long Max { get; init; }
    public long Step { get; init; }

    /// <summary>
    /// tseries: the interval in nanoseconds, how many intervals are kept, how an interval's values reduce (empty: the
    /// last one). <see cref="IsSigned"/>: whether the values are signed (tseries, sum, min, max, avg, stats), as the argument.
    /// </summary>
    public long Interval { get; init; }
    public long Intervals { get; init; }
    public string Reduction { get; init; } = "";
    public bool IsSigned { get; init; }

    /// <summary>hist and lhist store one map entry per bucket, keyed by (key, bucket).</summary>
    public bool IsHistogram => Kind is AggregationKind.Hist or AggregationKind.Lhist;

    /// <summary>hist, lhist and tseries keep the bucket (tseries: the interval's slot) in 8 bytes after the key.</summary>
    public bool HasBucketKey => IsHistogram || Kind == AggregationKind.Tseries;

    /// <summary>
    /// Per-CPU slot size: one counter (count, sum, a histogram bucket), (total, count) for avg and stats,
    /// (value, is-set) for min and max, (value, meta, epoch) for a tseries interval.
    /// </summary>
    public override int Size => Kind switch
    {
        AggregationKind.Avg or AggregationKind.Stats or AggregationKind.Min or AggregationKind.Max => 16,
        AggregationKind.Tseries => 24,
        _ => 8,
    };

    public override string ToString() => Kind.ToString().ToLowerInvariant();

    /// <summary>
    /// The newest bpftrace's name of this map value type, in messages and <c>-d types</c>: <c>count_t</c>,
    /// <c>sum_t</c> (<c>usum_t</c> of unsigned arguments; min, max, avg and stats alike), <c>hist_t</c>.
    /// </summary>
    public string TypeName => Kind switch
    {
        AggregationKind.Sum or AggregationKind.Min or AggregationKind.Max or AggregationKind.Avg or AggregationKind.Stats =>
            (IsSigned ? "" : "u") + this + "_t",
        _ => this + "_t",
    };

    /// <summary>
    /// What reading the map in the program gives, as the newest bpftrace casts its count_t, sum_t, min_t, max_t and
    /// avg_t to integers (an avg reads as its average): a count is a uint64, the others an int64 or a uint64 as their
    /// arguments' signedness; null for the rest (stats, hist, lhist, tseries).
    /// </summary>
    public IntegerType? ReadType => Kind switch
    {
        AggregationKind.Count => UInt64,
        AggregationKind.Sum or AggregationKind.Min or AggregationKind.Max or AggregationKind.Avg => IsSigned ? Int64 : UInt64,
        _ => null,
    };

    /// <summary>The bytes bpftrace's <c>sizeof</c> gives for this type: its aggregation types are 8 bytes whatever their per-CPU slots hold.</summary>
    public const int DeclaredSize = 8;
}

/// <summary>
/// The value of <c>ntop([af,] addr)</c>: the address family (8 bytes) and up to 16 address bytes, as bpftrace lays
/// it out; printed as text (<c>127.0.0.1</c>, <c>::1</c>) wherever it appears.
/// </summary>
internal sealed record InetType : BpfType
{
    public static readonly InetType Instance = new();

    /// <summary>Where the address bytes start, after the family.</summary>
    public const int AddressOffset = 8;

    public override int Size => 24;
    public override int Alignment => 1;
    public override string ToString() => "inet[24]";
}

/// <summary>
/// The value of <c>buf(p, n)</c>: a length (8 bytes) then up to <see cref="Capacity"/> raw bytes; printed with
/// printf's <c>%r</c> and in maps with non-printable bytes escaped as <c>\xNN</c>.
/// </summary>
internal sealed record BufferType(int Capacity) : BpfType
{
    /// <summary>Where the bytes start, after the length.</summary>
    public const int DataOffset = 8;

    public override int Size => DataOffset + Align8(Capacity);
    public override int Alignment => 1;
    // The newest bpftrace's buffer size counts the 4-byte length in front of the bytes.
    public override string ToString() => $"buffer[{Capacity + 4}]";

    private static int Align8(int size) => (size + 7) & ~7;
}
