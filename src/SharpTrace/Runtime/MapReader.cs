using System.Buffers.Binary;
using SharpTrace.Lowering;
using SharpTrace.Builtins.Aggregations;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Records;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>Reads a script map out of the kernel as a snapshot of typed entries, combining per-CPU values.</summary>
internal sealed class MapReader(MapDefinition definition, BpfMap map, DecodingContext decoding) : IMapDecoder
{
    private readonly MapSymbol _symbol = definition.Symbol!;

    public string Name => _symbol.Name;

    /// <summary>The size of a key as the kernel stores it (hist and lhist: the bucket after the key).</summary>
    public int KeySize => definition.KeySize;

    /// <summary>Where an entry's key and value lie in a print() record.</summary>
    public PrintSnapshot.EntryLayout PrintEntry => PrintSnapshot.Entry(definition.KeySize, definition.ValueSize, PerCpu);

    /// <summary>The size of a value as a lookup returns it: per-CPU maps give one 8-byte aligned slot per possible CPU.</summary>
    public int ValueBytes => PerCpu ? Slot * BpfMap.PossibleCpuCount : definition.ValueSize;

    private bool PerCpu => definition.Type is BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash or BpfMapType.PerCpuArray;

    private int Slot => TupleType.Align8(definition.ValueSize);

    /// <summary>Reads the map as it is now.</summary>
    public MapSnapshot Read() => Decode(ReadEntries());

    private IEnumerable<(byte[] Key, byte[] Value)> ReadEntries()
    {
        if (map.Type is BpfMapType.Array or BpfMapType.PerCpuArray)
        {
            // An array is read many entries per call; of a percpuarray only the elements some CPU updated are kept.
            var present = new List<(byte[] Key, byte[] Value)>();
            if (BpfMapBatch.TryReadArray(map, (key, value) =>
                {
                    if (!_symbol.IsPerCpuArray || AnyCpuPresent(value))
                        present.Add((key.ToArray(), value.ToArray()));
                }))
                return present;
        }
        return ReadEntriesOneByOne();
    }

    private IEnumerable<(byte[] Key, byte[] Value)> ReadEntriesOneByOne()
    {
        foreach (var key in map.Keys())
        {
            var value = new byte[ValueBytes];
            if (map.Lookup(key, value))
                yield return (key, value); // else deleted while we walked the map
        }
    }

    /// <summary>
    /// The snapshot of the map from its entries' key and value bytes, as the map holds them (a lookup from user
    /// space, or the records of print()), combining per-CPU values.
    /// </summary>
    public MapSnapshot Decode(IEnumerable<(byte[] Key, byte[] Value)> rawEntries)
    {
        if (_symbol.ValueType is AggregationType { Kind: AggregationKind.Tseries } series)
            return new MapSnapshot(_symbol.Name, _symbol.IsScalar,
                Tseries.Read(series, _symbol.KeySize, Slot, rawEntries).Select(e => new MapEntry(DecodeKey(e.Key), e.Value)).ToList());
        var entries = new List<MapEntry>();
        var histograms = new Dictionary<string, (byte[] Key, ulong[] Buckets)>(StringComparer.Ordinal);
        foreach (var (key, value) in MergeUnwoundStacks(rawEntries))
        {
            if (_symbol.IsPerCpuArray && !AnyCpuPresent(value))
                continue; // an array element no CPU updated since it was created, deleted or cleared
            if (_symbol.ValueType is AggregationType { IsHistogram: true } histogram)
                AddBucket(histograms, histogram, key, value, Slot);
            else
                entries.Add(new MapEntry(DecodeKey(key), DecodeValue(value, Slot, PerCpu)));
        }
        foreach (var (key, buckets) in histograms.Values)
            entries.Add(new MapEntry(DecodeKey(key), HistogramValue((AggregationType)_symbol.ValueType!, buckets)));
        return new MapSnapshot(_symbol.Name, _symbol.IsScalar, entries);
    }

    /// <summary>
    /// Keys that hold <c>dw_ustack</c> samples are one entry per sample in the kernel; entries whose samples have the
    /// same stack become one, their values combined as the per-CPU values of one entry are.
    /// </summary>
    private IEnumerable<(byte[] Key, byte[] Value)> MergeUnwoundStacks(IEnumerable<(byte[] Key, byte[] Value)> rawEntries)
    {
        var offsets = _symbol.IsScalar || _symbol.IsPerCpuArray
            ? []
            : _symbol.KeyTypes!.Select((t, i) => (t, i)).Where(k => k.t is StackType { IsDwarf: true }).Select(k => _symbol.KeyOffset(k.i)).ToList();
        if (offsets.Count == 0)
        {
            foreach (var entry in rawEntries)
                yield return entry;
            yield break;
        }
        var merged = new Dictionary<string, (byte[] Key, List<byte> Values)>(StringComparer.Ordinal);
        foreach (var (key, value) in rawEntries)
        {
            var canonical = (byte[])key.Clone();
            foreach (var offset in offsets)
            {
                var id = new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan(offset + 8)), BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan(offset)));
                var chosen = decoding.Symbols.CanonicalSample(id);
                BinaryPrimitives.WriteUInt64LittleEndian(canonical.AsSpan(offset), (ulong)chosen);
                BinaryPrimitives.WriteUInt64LittleEndian(canonical.AsSpan(offset + 8), (ulong)(chosen >> 64));
            }
            var name = Convert.ToHexString(canonical);
            if (!merged.TryGetValue(name, out var entry))
                merged[name] = entry = (canonical, []);
            entry.Values.AddRange(value);
            entry.Values.AddRange(new byte[(Slot - value.Length % Slot) % Slot]);
        }
        foreach (var (key, values) in merged.Values)
            yield return (key, values.ToArray());
    }

    private bool AnyCpuPresent(ReadOnlySpan<byte> value)
    {
        for (var offset = _symbol.PresentOffset; offset + 8 <= value.Length; offset += Slot)
            if (BinaryPrimitives.ReadUInt64LittleEndian(value[offset..]) != 0)
                return true;
        return false;
    }

    private IReadOnlyList<RuntimeValue> DecodeKey(byte[] key) => _symbol.IsScalar
        ? []
        : _symbol.IsPerCpuArray
        ? [ValueDecoder.Decode(_symbol.KeyTypes![0], BitConverter.GetBytes((ulong)BinaryPrimitives.ReadUInt32LittleEndian(key)), decoding)]
        : _symbol.KeyTypes!.Select((t, i) => ValueDecoder.Decode(t, key.AsSpan(_symbol.KeyOffset(i), t.Size), decoding)).ToList();

    /// <summary>hist and lhist entries are keyed by (key, bucket): the counts of all CPUs go to the key's bucket.</summary>
    private void AddBucket(Dictionary<string, (byte[] Key, ulong[] Buckets)> histograms, AggregationType type, byte[] key, byte[] value, int slot)
    {
        var bucket = BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(_symbol.KeySize));
        var id = Convert.ToHexString(key, 0, _symbol.KeySize);
        if (!histograms.TryGetValue(id, out var histogram))
        {
            var count = type.Kind == AggregationKind.Hist
                ? Histogram.Log2BucketCountFor(type.Bits)
                : Histogram.LinearBucketCount(type.Min, type.Max, type.Step);
            histograms[id] = histogram = (key[.._symbol.KeySize], new ulong[count]);
        }
        if (bucket < 0 || bucket >= histogram.Buckets.Length)
            return;
        for (var cpu = 0; cpu < value.Length / slot; cpu++)
            histogram.Buckets[bucket] += BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(cpu * slot));
    }

    private static RuntimeValue HistogramValue(AggregationType type, ulong[] buckets) => type.Kind == AggregationKind.Hist
        ? new HistValue(buckets, type.Bits)
        : new LinearHistValue(type.Min, type.Max, type.Step, buckets);

    private RuntimeValue DecodeValue(byte[] value, int slot, bool perCpu)
    {
        if (_symbol.ValueType is not AggregationType aggregation)
            return ValueDecoder.Decode(_symbol.ValueType!, value, decoding);
        var function = AggregationFunction.For(aggregation);
        // Entries merged by MergeUnwoundStacks hold several values, each padded to a slot, like a per-CPU value.
        var cpus = Math.Max(1, value.Length / slot);
        var values = Enumerable.Range(0, cpus)
            .Select(cpu => function.Decode(aggregation, value.AsSpan(cpu * slot, slot)))
            .OfType<RuntimeValue>()
            .ToList();
        return values.Count == 0 ? function.Unset : Aggregation.Combine(values);
    }
}
