using SharpTrace.CodeGen;
using SharpTrace.Runtime;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>Lowers a bound program: the map table, the record table, and each probe's IR where Lowering covers it.</summary>
internal static class ProgramLowerer
{
    public static LoweredProgram Lower(BoundProgram program, ProgramMaps maps)
    {
        var table = new List<LoweredMap>();
        var bySymbol = new Dictionary<MapSymbol, LoweredMap>();
        foreach (var definition in maps.All)
        {
            var role = definition.Ref == maps.RingBuffer ? LoweredMapRole.RingBuffer
                : definition.Ref == maps.LostEvents ? LoweredMapRole.LostEvents
                : definition.Ref == maps.DroppedUpdates ? LoweredMapRole.DroppedUpdates
                : LoweredMapRole.Script;
            var map = new LoweredMap(definition.Ref, role, definition.KeySize, definition.ValueSize, definition.Symbol?.Index ?? 0);
            table.Add(map);
            if (definition.Symbol is { } symbol)
                bySymbol[symbol] = map;
        }
        var records = program.Actions.ToDictionary(a => a.Id, a => new LoweredRecord(a.Id, KindOf(a)));
        var probes = program.Probes.Select(p => LowerProbe(p, bySymbol, program.Actions, records)).ToList();
        return new LoweredProgram(probes, table, records.Values.OrderBy(r => r.Id).ToList());
    }

    private static LoweredProbe LowerProbe(BoundProbe probe, Dictionary<MapSymbol, LoweredMap> maps, IReadOnlyList<AsyncActionInfo> actions,
        Dictionary<int, LoweredRecord> records)
    {
        try
        {
            return new LoweredProbe(probe.Name, ProbeLowerer.Lower(probe, maps, actions, records), null);
        }
        catch (LoweringNotSupportedException e)
        {
            return new LoweredProbe(probe.Name, null, e.Construct);
        }
    }

    // "printf" for PrintfAction, "exit" for ExitAction.
    private static string KindOf(AsyncActionInfo action)
    {
        var name = action.GetType().Name;
        return (name.EndsWith("Action", StringComparison.Ordinal) ? name[..^"Action".Length] : name).ToLowerInvariant();
    }
}
