using SharpTrace.CodeGen.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Runtime;
using SharpTrace.Semantics;

namespace SharpTrace.CodeGen;

/// <summary>A kernel map the program needs: created by the runtime before the programs are loaded.</summary>
public sealed record MapDefinition(MapRef Ref, BpfMapType Type, int KeySize, int ValueSize, int MaxEntries, MapSymbol? Symbol);

/// <summary>
/// The kernel maps of a program: one per script map, the ring buffer that carries output records to user space,
/// and a per-CPU counter of records the ring buffer had no room for.
/// </summary>
public sealed class ProgramMaps
{
    /// <summary>Ring buffer size: 1 MiB, enough for bursts of printf between two polls.</summary>
    public const int RingBufferBytes = 1 << 20;

    private readonly Dictionary<MapSymbol, MapDefinition> _bySymbol = [];
    private readonly List<MapDefinition> _all = [];

    public ProgramMaps(BoundProgram program)
    {
        Actions = program.Actions;
        ExitAction = program.Actions.OfType<ExitAction>().FirstOrDefault()?.Id ?? -1;
        RingBuffer = Add(new MapDefinition(new MapRef("ringbuf"), BpfMapType.RingBuf, 0, 0, RingBufferBytes, null)).Ref;
        LostEvents = Add(new MapDefinition(new MapRef("lost_events"), BpfMapType.PerCpuArray, 4, 8, 1, null)).Ref;
        foreach (var map in program.Maps)
        {
            // Aggregations live on per-CPU storage and are combined in user space; scalars are maps of one key.
            var type = map.IsAggregation ? BpfMapType.PerCpuHash : BpfMapType.Hash;
            var maxEntries = map.IsScalar ? ScalarEntries(map.ValueType!) : program.Config.MaxMapKeys;
            _bySymbol[map] = Add(new MapDefinition(new MapRef(map.Name), type, map.StoredKeySize, TupleType.Align8(map.ValueType!.Size), maxEntries, map));
        }
    }

    public IReadOnlyList<MapDefinition> All => _all;
    public IReadOnlyList<AsyncActionInfo> Actions { get; }
    public int ExitAction { get; }
    public MapRef RingBuffer { get; }
    public MapRef LostEvents { get; }

    public MapRef For(MapSymbol map) => _bySymbol[map].Ref;

    // A scalar map holds one entry; a scalar hist or lhist one per bucket.
    private static int ScalarEntries(BpfType value) => value switch
    {
        AggregationType { Kind: AggregationKind.Hist } hist => Output.Histogram.Log2BucketCountFor(hist.Bits),
        AggregationType { Kind: AggregationKind.Lhist } lhist => Output.Histogram.LinearBucketCount(lhist.Min, lhist.Max, lhist.Step),
        _ => 1,
    };

    private MapDefinition Add(MapDefinition definition)
    {
        _all.Add(definition);
        return definition;
    }
}
