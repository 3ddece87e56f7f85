using SharpTrace.Syntax;

namespace SharpTrace.Semantics;

/// <summary>A map of the program (<c>@name</c>), with the key and value types inferred for it.</summary>
internal sealed class MapSymbol(string name, int index)
{
    public string Name { get; } = name;

    /// <summary>
    /// Position of the map in <see cref="BoundProgram.Maps"/> (dense: renumbered once unused declared maps are
    /// dropped), so it indexes the dropped-updates counter.
    /// </summary>
    public int Index { get; set; } = index;

    /// <summary>Key element types; empty for a scalar map. Null until the first use decides.</summary>
    public IReadOnlyList<BpfType>? KeyTypes { get; set; }

    public BpfType? ValueType { get; set; }

    /// <summary>The kind named by <c>let @m = kind(n);</c>, or null for the default (hash).</summary>
    public MapKind? DeclaredKind { get; set; }

    /// <summary>The size given by <c>let @m = kind(n);</c>, or null for max_map_keys.</summary>
    public int? DeclaredMaxEntries { get; set; }

    public bool IsScalar => KeyTypes is { Count: 0 };
    public bool IsAggregation => ValueType is AggregationType;

    /// <summary>
    /// <c>let @m = percpuarray(N);</c>: a BPF_MAP_TYPE_PERCPU_ARRAY indexed 0..N-1, whose per-CPU value carries a
    /// "present" word after the aggregation's slot, since array elements always exist and cannot be deleted.
    /// </summary>
    public bool IsPerCpuArray => DeclaredKind == MapKind.PerCpuArray;

    /// <summary>Offset of the "present" word in a per-CPU array's value: right after the aggregation's slot.</summary>
    public int PresentOffset => TupleType.Align8(ValueType!.Size);

    /// <summary>Bytes of one value as stored in the kernel (per CPU for per-CPU maps).</summary>
    public int StoredValueSize => PresentOffset + (IsPerCpuArray ? 8 : 0);

    /// <summary>
    /// Bytes of the serialized key: scalar maps use one 8-byte zero key, like bpftrace, except a scalar hist, lhist or
    /// tseries, whose kernel key is its bucket alone (as in bpftrace: 8 bytes to hash per event, not 16). The keys are
    /// laid out as one tuple of them (<see cref="KeyLayout"/>), as the newest bpftrace's keys are one tuple, rounded
    /// up to 8 bytes (a hist's bucket follows).
    /// </summary>
    public int KeySize => KeyTypes is null or { Count: 0 } ? (HasBucketKey ? 0 : 8) : TupleType.Align8(KeyLayout.Size);

    /// <summary>The keys as the tuple whose layout the serialized key has: a for loop's <c>$kv.0</c> of several keys.</summary>
    public TupleType KeyLayout => new(KeyTypes!);

    private bool HasBucketKey => ValueType is AggregationType { HasBucketKey: true };

    /// <summary>
    /// Bytes of the key as stored in the kernel: hist and lhist maps append the 8-byte bucket index; a per-CPU array
    /// is indexed by a u32 (the low half of the 8-byte key built on the stack).
    /// </summary>
    public int StoredKeySize => IsPerCpuArray ? 4 : KeySize + (HasBucketKey ? 8 : 0);

    public int KeyOffset(int index) => KeyLayout.OffsetOf(index);

    /// <summary>Bytes from key <paramref name="index"/>'s offset to the next key's (the last: to <see cref="KeySize"/>), padding included.</summary>
    public int KeySlotSize(int index) => (index + 1 < KeyTypes!.Count ? KeyOffset(index + 1) : KeySize) - KeyOffset(index);
}

/// <summary>A scratch variable (<c>$name</c>), local to one probe.</summary>
internal sealed class VariableSymbol(string name, BpfType type)
{
    public string Name { get; } = name;
    public BpfType Type { get; set; } = type;

    /// <summary>False for a variable declared with <c>let</c> and not yet assigned: reading it warns, and reads zero.</summary>
    public bool IsAssigned { get; set; } = true;

    /// <summary>The program takes its address (<c>&amp;$x</c>): it lives in a stack slot, even when an integer.</summary>
    public bool IsAddressTaken { get; set; }

    /// <summary>Declared with a type (<c>let $a: uint16</c>): assignments are cast to it, never widen it.</summary>
    public bool HasDeclaredType { get; init; }

    /// <summary>Where the variable came to be: its <c>let $x</c>, its first assignment, or its loop's <c>$x</c>.</summary>
    public TextSpan Origin { get; init; }

    /// <summary>How the variable came to be, which the shadowing error names.</summary>
    public VariableOrigin OriginKind { get; init; } = VariableOrigin.Assignment;
}

/// <summary>What brought a scratch variable into its block: a <c>let</c>, a first assignment, or a for loop.</summary>
internal enum VariableOrigin { Declaration, Assignment, LoopVariable }

/// <summary>The kernel storage a map declaration (<c>let @m = lruhash(100);</c>) asks for.</summary>
internal enum MapKind { Hash, LruHash, PerCpuHash, PerCpuLruHash, PerCpuArray }
