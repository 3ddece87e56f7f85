using System.Buffers.Binary;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>Reads a script map out of the kernel as a snapshot of typed entries, combining per-CPU values.</summary>
internal sealed class MapReader(MapDefinition definition, BpfMap map)
{
    private readonly MapSymbol _symbol = definition.Symbol!;

    public string Name => _symbol.Name;

    public MapSnapshot Read()
    {
        var perCpu = definition.Type is BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash or BpfMapType.PerCpuArray;
        var slot = TupleType.Align8(definition.ValueSize);
        var value = new byte[perCpu ? slot * BpfMap.PossibleCpuCount : definition.ValueSize];
        var entries = new List<MapEntry>();
        foreach (var key in map.Keys())
        {
            if (!map.Lookup(key, value))
                continue; // deleted while we walked the map
            var keyValues = _symbol.IsScalar
                ? (IReadOnlyList<RuntimeValue>)[]
                : _symbol.KeyTypes!.Select((t, i) => ValueDecoder.Decode(t, key.AsSpan(_symbol.KeyOffset(i), t.Size))).ToList();
            entries.Add(new MapEntry(keyValues, DecodeValue(value, slot, perCpu)));
        }
        return new MapSnapshot(_symbol.Name, _symbol.IsScalar, entries);
    }

    private RuntimeValue DecodeValue(byte[] value, int slot, bool perCpu)
    {
        if (_symbol.ValueType is not AggregationType aggregation)
            return ValueDecoder.Decode(_symbol.ValueType!, value);
        var cpus = perCpu ? value.Length / slot : 1;
        long First(int cpu) => BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(cpu * slot));
        long Second(int cpu) => BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(cpu * slot + 8));
        var cpuRange = Enumerable.Range(0, cpus);
        return aggregation.Kind switch
        {
            AggregationKind.Count => new CountValue((ulong)cpuRange.Sum(First)),
            AggregationKind.Sum => new SumValue(cpuRange.Sum(First)),
            AggregationKind.Avg => new AvgValue(cpuRange.Sum(First), (ulong)cpuRange.Sum(Second)),
            _ => throw new InvalidOperationException($"reading {aggregation.Kind} maps is not supported yet"),
        };
    }
}
