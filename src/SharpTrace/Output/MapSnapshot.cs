namespace SharpTrace.Output;

/// <summary>One entry of a map: its key (empty for a scalar map such as <c>@x</c>) and its value.</summary>
public sealed record MapEntry(IReadOnlyList<RuntimeValue> Key, RuntimeValue Value)
{
    /// <summary>The entry of a scalar map.</summary>
    public static MapEntry Scalar(RuntimeValue value) => new([], value);

    /// <summary>The entry as <c>[key, parts]: value</c>, or the value alone for a scalar map.</summary>
    public override string ToString() => Key.Count == 0 ? $"{Value}" : $"[{string.Join(", ", Key)}]: {Value}";

    /// <inheritdoc/>
    public bool Equals(MapEntry? other) => other is not null && Key.SequenceEqual(other.Key) && Value.Equals(other.Value);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Sequence.Hash(Key), Value);
}

/// <summary>
/// The entries of a map at one moment, as the runtime read them (per-CPU values already combined).
/// A map with no entries prints nothing, except that an explicit JSON <c>print()</c> shows it as <c>{}</c>.
/// </summary>
public sealed record MapSnapshot(string Name, bool IsScalar, IReadOnlyList<MapEntry> Entries)
{
    /// <summary>A scalar map such as <c>@x</c> holding one value.</summary>
    public static MapSnapshot Scalar(string name, RuntimeValue value) => new(name, true, [MapEntry.Scalar(value)]);

    /// <summary>A keyed map such as <c>@m[k]</c>.</summary>
    public static MapSnapshot Keyed(string name, params MapEntry[] entries) => new(name, false, entries);

    // Enough entries to recognise a map in a debugger without flooding it.
    private const int EntriesShown = 10;

    /// <summary>
    /// The name and entries, as <c>@x = 5</c> for a scalar map or <c>@m (3 entries): [a]: 1, [b]: 2, [c]: 7</c>
    /// (the first ten entries, in print order).
    /// </summary>
    public override string ToString()
    {
        if (IsScalar && Entries.Count == 1)
            return $"{Name} = {Entries[0].Value}";
        var shown = EntriesInPrintOrder().Take(EntriesShown);
        var more = Entries.Count > EntriesShown ? ", …" : "";
        var count = Entries.Count == 1 ? "1 entry" : $"{Entries.Count} entries";
        return Entries.Count == 0 ? $"{Name} (empty)" : $"{Name} ({count}): {string.Join(", ", shown)}{more}";
    }

    /// <summary>
    /// The entries in the order bpftrace prints them: by value ascending (avg and stats by their average, histograms
    /// by their total count; strings and tuples have no order and go by key), equal values by key.
    /// With <paramref name="top"/> above zero only the last (largest) <paramref name="top"/> entries remain.
    /// </summary>
    public IReadOnlyList<MapEntry> EntriesInPrintOrder(uint top = 0)
    {
        var sorted = Entries.ToList();
        sorted.Sort(CompareForPrint);
        if (top > 0 && sorted.Count > top)
            sorted.RemoveRange(0, sorted.Count - (int)top);
        return sorted;
    }

    /// <inheritdoc/>
    public bool Equals(MapSnapshot? other) =>
        other is not null && Name == other.Name && IsScalar == other.IsScalar && Entries.SequenceEqual(other.Entries);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, IsScalar, Sequence.Hash(Entries));

    private static int CompareForPrint(MapEntry a, MapEntry b)
    {
        var byValue = Nullable.Compare(SortValue(a.Value), SortValue(b.Value));
        return byValue != 0 ? byValue : CompareKeys(a.Key, b.Key);
    }

    // Int128 holds every signed and unsigned 64-bit value, so one type orders them all.
    private static Int128? SortValue(RuntimeValue value) => value switch
    {
        IntegerValue i => i.IsSigned ? i.Value : (ulong)i.Value,
        SymbolicValue { IsEnum: true } e => e.Number,
        BooleanValue b => b.Value ? 1 : 0,
        CountValue c => c.Value,
        SumValue s => s.Value,
        MinValue m => m.Value,
        MaxValue m => m.Value,
        AvgValue a => a.Average,
        StatsValue s => s.Average,
        HistValue h => h.TotalCount,
        LinearHistValue l => l.TotalCount,
        _ => null,
    };

    private static int CompareKeys(IReadOnlyList<RuntimeValue> a, IReadOnlyList<RuntimeValue> b)
    {
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            var c = CompareKeyParts(a[i], b[i]);
            if (c != 0)
                return c;
        }
        return a.Count.CompareTo(b.Count);
    }

    // Integers by number (bpftrace 0.17 compares them as unsigned, putting -1 last; we do not),
    // strings ordinally, tuples element by element, stacks by their text.
    private static int CompareKeyParts(RuntimeValue a, RuntimeValue b) => (a, b) switch
    {
        (StringValue x, StringValue y) => string.CompareOrdinal(x.Value, y.Value),
        (BufferValue x, BufferValue y) => string.CompareOrdinal(x.ToString(), y.ToString()),
        (TupleValue x, TupleValue y) => CompareKeys(x.Elements, y.Elements),
        (StackValue x, StackValue y) => string.CompareOrdinal(x.Format(StackValue.KeyIndent), y.Format(StackValue.KeyIndent)),
        _ when SortValue(a) is { } x && SortValue(b) is { } y => x.CompareTo(y),
        _ => string.CompareOrdinal(a.GetType().Name, b.GetType().Name),
    };
}
