using SharpTrace.Lowering;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>
/// The script's maps as they are at this moment, for readers on other threads (the metrics endpoint, a .NET meter)
/// while the run goes on. It reads with its own <see cref="MapReader"/>s and <see cref="Symbolizer"/>, one reader at a
/// time, so it shares nothing mutable with the session's thread; the session closes it before it closes the maps.
/// </summary>
internal sealed class LiveMaps(BoundProgram program)
{
    private readonly Lock _lock = new();
    private readonly DecodingContext _decoding = DecodingContext.For(program.Config,
        new Symbolizer { DemangleCpp = program.Config.CppDemangle, DemangleRust = program.Config.RustDemangle });
    private readonly List<(MapReader Reader, MapSymbol Symbol)> _maps = [];
    private readonly HashSet<string> _growingSums = GrowingSums(program);
    private bool _closed;

    /// <summary>The script's maps, known before the run creates them: what instruments a meter offers.</summary>
    public IReadOnlyList<MapSymbol> Symbols => program.Maps;

    /// <summary>True when every <c>sum()</c> into <paramref name="mapName"/> adds an unsigned value or a non-negative constant.</summary>
    public bool SumOnlyGrows(string mapName) => _growingSums.Contains(mapName);

    /// <summary>Called by the session as it creates a script map.</summary>
    public void Add(MapDefinition definition, BpfMap map)
    {
        lock (_lock)
            _maps.Add((new MapReader(definition, map, _decoding), definition.Symbol!));
    }

    /// <summary>Called by the session as it creates a stack trace map, so that stack keys read here are symbolized.</summary>
    public void AddStackMap(int depth, BpfMap map, bool buildId = false)
    {
        lock (_lock)
            _decoding.Symbols.AddStackMap(depth, map, buildId);
    }

    /// <summary>
    /// Called by the session as a <c>dw_ustack</c> sample arrives: unwound here too (this reader's symbolizer is its
    /// own), so that scrapes name the stacks of map keys that hold samples. It doubles the unwinding, with metrics on.
    /// </summary>
    public void AddUserStack(Records.UserStackSample sample)
    {
        lock (_lock)
            _decoding.Symbols.AddUserStack(sample);
    }

    /// <summary>Called by the session as the run starts, for each user function a probe's <c>func</c> names.</summary>
    public void NameFunction(int tag, string name)
    {
        lock (_lock)
            _decoding.Symbols.NameFunction(tag, name);
    }

    /// <summary>Called by the session when a probe first took a user stack of process <paramref name="pid"/>: its mappings are read now.</summary>
    public void AddProcess(int pid)
    {
        lock (_lock)
            _decoding.Symbols.AddProcess(pid);
    }

    /// <summary>Every map as it is now; nothing before the maps exist or once the run has ended.</summary>
    public IReadOnlyList<MetricsMap> Read(Func<string, bool>? which = null)
    {
        lock (_lock)
        {
            if (_closed)
                return [];
            return _maps.Where(m => which is null || which(m.Reader.Name))
                .Select(m => new MetricsMap(m.Reader.Read(), _growingSums.Contains(m.Reader.Name)))
                .ToList();
        }
    }

    /// <summary>Called by the session before it closes the maps: a read in progress finishes first, later reads see nothing.</summary>
    public void Close()
    {
        lock (_lock)
            _closed = true;
    }

    private static HashSet<string> GrowingSums(BoundProgram program)
    {
        var sums = program.Probes.SelectMany(p => Aggregates(p.Body)).Where(a => a.Type.Kind == AggregationKind.Sum).ToList();
        return sums.GroupBy(a => a.Map.Name)
            .Where(g => g.All(a => a.Argument is { Type: IntegerType { IsSigned: false } } or BoundIntegerLiteral { Value: >= 0 }))
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<BoundAggregate> Aggregates(BoundNode node) => node switch
    {
        BoundAggregate a => [a],
        BoundBlock b => b.Statements.SelectMany(Aggregates),
        BoundIf i => i.Else is null ? Aggregates(i.Then) : Aggregates(i.Then).Concat(Aggregates(i.Else)),
        BoundForMap f => Aggregates(f.Body),
        BoundForRange f => Aggregates(f.Body),
        BoundWhile w => Aggregates(w.Body),
        BoundUnroll u => Aggregates(u.Body),
        _ => [],
    };
}
