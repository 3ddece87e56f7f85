using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;
using SharpTrace.Lowering;
using SharpTrace.Semantics;

namespace SharpTrace;

/// <summary>
/// What the composition root hands to Lowering: the map table (from the program's kernel maps), the record table
/// (from its action table) and the builtins' lowering hooks, so Lowering needs neither Builtins nor Runtime.
/// </summary>
internal static class LoweringInputs
{
    public static LoweredProgram Lower(BoundProgram program, ProgramMaps maps)
    {
        var table = new List<LoweredMap>();
        var scriptMaps = new Dictionary<MapSymbol, LoweredMap>();
        foreach (var definition in maps.All)
        {
            var role = definition.Ref == maps.RingBuffer ? LoweredMapRole.RingBuffer
                : definition.Ref == maps.LostEvents ? LoweredMapRole.LostEvents
                : definition.Ref == maps.DroppedUpdates ? LoweredMapRole.DroppedUpdates
                : LoweredMapRole.Script;
            var map = new LoweredMap(definition.Ref, role, definition.KeySize, definition.ValueSize, definition.Symbol?.Index ?? 0);
            table.Add(map);
            if (definition.Symbol is { } symbol)
                scriptMaps[symbol] = map;
        }
        var records = program.Actions.Select(a => new LoweredRecord(a.Id, a.Kind, a.Layout)
        {
            FieldTypes = a.FieldTypes,
        }).ToList();
        // Builtins add the maps they use (elapsed's start time, stack traces) to the table as they lower.
        var lowered = ProgramLowerer.Lower(program, table, scriptMaps, records, new BuiltinLowerings(maps, table, program.StacksCarryDepth));
        return lowered with { Maps = table.ToList() };
    }

    /// <summary>Builtins lower through the hooks in their own files.</summary>
    private sealed class BuiltinLowerings(ProgramMaps maps, List<LoweredMap> table, bool stacksCarryDepth) : IBuiltinLowerings
    {
        public bool StacksCarryDepth => stacksCarryDepth;

        public Operand LowerVariable(BoundBuiltinVariable variable, ProbeLowerer lowering) =>
            Of(variable).Lower(lowering) ?? throw new LoweringNotSupportedException("the builtin " + variable.Builtin.Name);

        public void LowerVariableInto(BoundBuiltinVariable variable, ProbeLowerer lowering, Slot slot, int offset, int size)
        {
            if (!Of(variable).LowerInto(lowering, slot, offset, size))
                throw new LoweringNotSupportedException("the builtin " + variable.Builtin.Name);
        }

        public Operand? LowerCall(BoundExpression call, ProbeLowerer lowering) => call switch
        {
            Builtins.BoundBuiltinCall builtin => builtin.Lower(lowering) ?? throw new LoweringNotSupportedException(builtin.GetType().Name),
            _ => null,
        };

        public bool LowerCallInto(BoundExpression call, ProbeLowerer lowering, Slot slot, int offset, int size)
        {
            if (call is not Builtins.BoundBuiltinCall builtin)
                return false;
            if (!builtin.LowerInto(lowering, slot, offset, size))
                throw new LoweringNotSupportedException($"a {builtin.Type} value of {builtin.GetType().Name}");
            return true;
        }

        public void LowerStatement(BoundExpression call, ProbeLowerer lowering)
        {
            if (call is not BoundBuiltinCall builtin || !builtin.LowerStatement(lowering))
                throw new LoweringNotSupportedException(call.GetType().Name + " as a statement");
        }

        public LoweredMap StartTimeMap() => Builtin(maps.StartTime);

        public LoweredMap ExitFlagMap() => Builtin(maps.ExitFlag, LoweredMapRole.ExitFlag);

        public LoweredMap StackMap(StackType type) => Builtin(maps.StackMap(type));

        public LoweredMap StackFrameBuffer(int depth) => Builtin(maps.StackFrameBuffer(depth));

        public LoweredMap UserStackProcessMap() => Builtin(maps.UserStackProcesses);

        public LoweredMap UserStackCopyMap(int bytes) => Builtin(maps.UserStackCopies(bytes));

        public MapValueAddress? PeriodState(BoundProbe probe) =>
            maps.PeriodStateOffset(probe) is { } offset ? new MapValueAddress(Builtin(maps.IntervalPeriods), offset) : null;

        private LoweredMap Builtin(Bpf.MapRef reference, LoweredMapRole role = LoweredMapRole.Builtin)
        {
            if (table.Find(m => m.Ref == reference) is { } known)
                return known;
            var definition = maps.All.First(d => d.Ref == reference);
            var map = new LoweredMap(reference, role, definition.KeySize, definition.ValueSize);
            table.Add(map);
            return map;
        }

        public IAggregationLowering Aggregation(AggregationType type) => AggregationFunction.For(type);

        /// <summary>The provider behind a bound builtin variable: the catalog holds only <c>Builtins/</c>'s.</summary>
        private static Builtins.BuiltinVariable Of(BoundBuiltinVariable variable) => (Builtins.BuiltinVariable)variable.Builtin;
    }
}
