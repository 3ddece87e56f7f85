using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Records;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>A kernel map the program needs: created by the runtime before the programs are loaded.</summary>
internal sealed record MapDefinition(MapRef Ref, BpfMapType Type, int KeySize, int ValueSize, int MaxEntries, MapSymbol? Symbol, uint Flags = 0);

/// <summary>
/// The kernel maps of a program: one per script map, the ring buffer that carries output records to user space,
/// a per-CPU counter of records the ring buffer had no room for, and per-CPU counters of updates each script map
/// refused because it was full.
/// </summary>
internal sealed partial class ProgramMaps
{
    /// <summary>Default ring buffer size: 1 MiB, enough for bursts of printf between two polls.</summary>
    public const int RingBufferBytes = 1 << 20;

    /// <summary>
    /// The ring buffer size for <c>perf_rb_pages</c>: pages per CPU times CPUs, a power of two (the kernel's rule);
    /// without it, 1 MiB or what the records of <paramref name="actions"/> ask for (<see cref="AsyncAction.RingBufferBytes"/>).
    /// </summary>
    public static int RingBufferSize(int? pagesPerCpu, IEnumerable<AsyncAction>? actions = null)
    {
        if (pagesPerCpu is not { } pages)
            return Math.Max(RingBufferBytes, actions?.Select(a => a.RingBufferBytes).DefaultIfEmpty(0).Max() ?? 0);
        var bytes = (long)pages * Environment.SystemPageSize * BpfMap.PossibleCpuCount;
        return (int)Math.Min(1L << 30, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)bytes));
    }

    private readonly Dictionary<MapSymbol, MapDefinition> _bySymbol = [];
    private readonly List<MapDefinition> _all = [];
    private readonly Dictionary<BoundProbe, int> _loopVariablesEntries = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<BoundProbe, int> _periodEntries = new(ReferenceEqualityComparer.Instance);

    public ProgramMaps(BoundProgram program)
    {
        Actions = program.Actions;
        ExitAction = program.Actions.OfType<ExitAction>().FirstOrDefault()?.Id ?? -1;
        RingBuffer = Add(new MapDefinition(new MapRef("ringbuf"), BpfMapType.RingBuf, 0, 0, RingBufferSize(program.Config.PerfRbPages, program.Actions), null)).Ref;
        LostEvents = Add(new MapDefinition(new MapRef("lost_events"), BpfMapType.PerCpuArray, 4, 8, 1, null)).Ref;
        DroppedUpdates = Add(new MapDefinition(new MapRef("dropped_updates"), BpfMapType.PerCpuArray, 4, 8, Math.Max(1, program.Maps.Count), null)).Ref;
        foreach (var map in program.Maps)
        {
            // Scalars are maps of one key (a scalar hist or lhist: one per bucket); a declaration's size applies to keyed maps.
            var maxEntries = map.IsScalar ? ScalarEntries(map.ValueType!) : map.DeclaredMaxEntries ?? program.Config.MaxMapKeys;
            _bySymbol[map] = Add(new MapDefinition(new MapRef(map.Name), KernelTypeOf(map), map.StoredKeySize, map.StoredValueSize, maxEntries, map));
        }
        foreach (var probe in program.Probes.Where(p => PeriodOf(p) is not null))
            _periodEntries[probe] = _periodEntries.Count;
        var loopProbes = program.Probes.Where(LoopVariables.HasLoops).ToList();
        if (loopProbes.Count > 0)
        {
            LoopVariablesMap = Add(new MapDefinition(new MapRef(LoopVariables.MapName), BpfMapType.PerCpuArray, 4,
                loopProbes.Max(LoopVariables.EntrySize), loopProbes.Count, null)).Ref;
            for (var i = 0; i < loopProbes.Count; i++)
                _loopVariablesEntries[loopProbes[i]] = i;
        }
    }

    public IReadOnlyList<MapDefinition> All => _all;
    public IReadOnlyList<AsyncAction> Actions { get; }
    public int ExitAction { get; }
    public MapRef RingBuffer { get; }
    public MapRef LostEvents { get; }

    /// <summary>Per-CPU array indexed by <see cref="MapSymbol.Index"/>: updates refused because the map was full.</summary>
    public MapRef DroppedUpdates { get; }

    public MapRef For(MapSymbol map) => _bySymbol[map].Ref;

    /// <summary>The kernel map definition behind a script map (its size, for a per-CPU array's index check).</summary>
    public MapDefinition Definition(MapSymbol map) => _bySymbol[map];

    /// <summary>
    /// An array of one u64: the monotonic time user space writes before attaching, which <c>elapsed</c> subtracts.
    /// Created when a probe first asks for it while being emitted, so programs without <c>elapsed</c> do without.
    /// </summary>
    public MapRef StartTime => _startTime ??= Add(new MapDefinition(new MapRef(StartTimeName), BpfMapType.Array, 4, 8, 1, null)).Ref;

    /// <summary>The start-time map, if a probe uses it.</summary>
    public MapRef? StartTimeIfUsed => _startTime;

    private const string StartTimeName = "start_time";

    /// <summary>
    /// An array of one u64 that exit() sets once its record is sent: what the probes cannot send after it would not have
    /// been printed, so it is not counted lost. Created when a probe calling exit() is emitted.
    /// </summary>
    public MapRef ExitFlag => _exitFlag ??= Add(new MapDefinition(new MapRef("exit_flag"), BpfMapType.Array, 4, 8, 1, null)).Ref;

    private MapRef? _exitFlag;
    private MapRef? _startTime;

    /// <summary>
    /// The period in nanoseconds of a probe whose program runs on every CPU and keeps only the first run of each period
    /// (an <c>interval</c>: <see cref="ProbeKind.OncePerPeriod"/>); null for other probes.
    /// </summary>
    public static long? PeriodOf(BoundProbe probe) => probe.AttachPoints is [var only] ? probe.Kind.OncePerPeriod(only) : null;

    /// <summary>
    /// An array of one value, 16 bytes per <see cref="PeriodOf"/> probe: the time of its first run and the number of the
    /// last period a run claimed (<see cref="ClaimPeriodOp"/>). Created when such a probe is emitted.
    /// </summary>
    public MapRef IntervalPeriods => _intervalPeriods ??=
        Add(new MapDefinition(new MapRef("interval_period"), BpfMapType.Array, 4, PeriodStateBytes * Math.Max(1, _periodEntries.Count), 1, null)).Ref;

    /// <summary>The bytes of <see cref="IntervalPeriods"/> each probe's state takes.</summary>
    public const int PeriodStateBytes = 16;

    private MapRef? _intervalPeriods;

    /// <summary>Where <paramref name="probe"/>'s state starts in <see cref="IntervalPeriods"/>'s value, when it has one.</summary>
    public int? PeriodStateOffset(BoundProbe probe) => _periodEntries.TryGetValue(probe, out var entry) ? entry * PeriodStateBytes : null;

    /// <summary>Per-CPU array with one entry per probe that has loops: its $variables while a loop body runs.</summary>
    public MapRef? LoopVariablesMap { get; }

    /// <summary>The probe's entry in <see cref="LoopVariablesMap"/>.</summary>
    public int LoopVariablesEntry(BoundProbe probe) => _loopVariablesEntries[probe];

    /// <summary>
    /// Aggregations live on per-CPU storage and are combined in user space, whatever hash kind is declared (an LRU
    /// declaration keeps its eviction); other values live in one shared hash. The binder rejects per-CPU kinds for them.
    /// A percpuarray declaration (aggregations only, integer index) gives a per-CPU array.
    /// </summary>
    private static BpfMapType KernelTypeOf(MapSymbol map)
    {
        if (map.IsPerCpuArray)
            return BpfMapType.PerCpuArray;
        var lru = map.DeclaredKind is MapKind.LruHash or MapKind.PerCpuLruHash;
        if (map.IsAggregation)
            return lru ? BpfMapType.LruPerCpuHash : BpfMapType.PerCpuHash;
        return lru ? BpfMapType.LruHash : BpfMapType.Hash;
    }

    // A scalar map holds one entry; a scalar hist or lhist one per bucket.
    private static int ScalarEntries(BpfType value) => value switch
    {
        AggregationType { Kind: AggregationKind.Hist } hist => Output.Histogram.Log2BucketCountFor(hist.Bits),
        AggregationType { Kind: AggregationKind.Lhist } lhist => Output.Histogram.LinearBucketCount(lhist.Min, lhist.Max, lhist.Step),
        AggregationType { Kind: AggregationKind.Tseries } tseries => (int)tseries.Intervals,
        _ => 1,
    };

    /// <summary>
    /// The per-CPU array of <paramref name="entries"/> values of <paramref name="valueSize"/> bytes where code
    /// generation keeps slots too large for the stack (<c>CodeGen.ScratchSpace</c>); added once every probe is generated.
    /// </summary>
    public void AddScratch(MapRef reference, int valueSize, int entries) =>
        Add(new MapDefinition(reference, BpfMapType.PerCpuArray, 4, valueSize, entries, null));

    private MapDefinition Add(MapDefinition definition)
    {
        _all.Add(definition);
        return definition;
    }
}
