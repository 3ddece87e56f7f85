using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>
/// Loops and the map functions that walk a map. <c>while</c> is a bounded loop (a backward jump the verifier
/// follows); a per-CPU map's value is read with a loop over every possible CPU's slot; <c>clear</c>, <c>zero</c>,
/// <c>len</c> and deleting a histogram's key walk the map (bpf_for_each_map_elem) with a callback, built once per
/// probe and map.
/// </summary>
internal sealed partial class ProbeLowerer
{
    private readonly Dictionary<string, IrCallback> _callbacks = [];
    private IrLabel? _break;
    private IrLabel? _continue;

    /// <summary>Loop statements, break, continue, return and zero(); false for any other statement.</summary>
    private bool TryLowerLoopStatement(BoundStatement statement)
    {
        switch (statement)
        {
            case BoundWhile s:
                LowerWhile(s);
                return true;
            case BoundBreak:
                Ir.Goto(_break ?? throw NotSupported("break outside of a loop"));
                return true;
            case BoundContinue:
                Ir.Goto(_continue ?? throw NotSupported("continue outside of a loop"));
                return true;
            case BoundReturn:
                Ir.Goto(_end);
                return true;
            case BoundZero s:
                LowerZero(s.Map);
                return true;
            default:
                return false;
        }
    }

    /// <summary><c>while</c>, inline as bpftrace writes it: test, body, jump back; the verifier must see it end.</summary>
    private void LowerWhile(BoundWhile s)
    {
        var saved = (_break, _continue);
        var head = Ir.NewLabel("while");
        var end = Ir.NewLabel("endwhile");
        (_break, _continue) = (end, head);
        Ir.Mark(head);
        LowerCondition(s.Condition, end);
        LowerStatement(s.Body);
        Ir.Goto(head);
        Ir.Mark(end);
        (_break, _continue) = saved;
    }

    /// <summary>
    /// A loop over every possible CPU: <paramref name="body"/> runs with a pointer to each CPU's slot of the value
    /// stored under <paramref name="key"/> (a CPU whose lookup fails is skipped).
    /// </summary>
    internal static void ForEachCpu(IrBuilder ir, LoweredMap map, Operand key, Action<VReg> body)
    {
        var cpu = ir.NewRegister();
        var head = ir.NewLabel("cpu");
        var next = ir.NewLabel("next_cpu");
        ir.Emit(new MoveOp(cpu, new Imm(0)));
        ir.Mark(head);
        var slot = ir.NewRegister();
        ir.Emit(new MapLookupPerCpuOp(slot, map, key, cpu));
        ir.Branch(IrCondition.Eq, slot, new Imm(0), next);
        body(slot);
        ir.Mark(next);
        ir.Emit(new NextCpuOp(cpu, head));
    }

    /// <summary>
    /// A callback of <paramref name="arguments"/> arguments (r1..), built by <paramref name="body"/> the first time
    /// <paramref name="key"/> is asked for and shared afterwards, so it is emitted once.
    /// </summary>
    private IrCallback Callback(string name, string key, int arguments, Action<IrBuilder, IReadOnlyList<VReg>> body)
    {
        if (_callbacks.TryGetValue(key, out var cached))
            return cached;
        var ir = new IrBuilder(name);
        var parameters = new List<VReg> { ir.Context };
        for (var i = 1; i < arguments; i++)
            parameters.Add(ir.NewRegister());
        body(ir, parameters);
        return _callbacks[key] = new IrCallback(ir.Build(), parameters);
    }

    /// <summary>Walks the map with a callback that deletes each entry it is handed (r1 = map, r2 = key: the helper's own arguments).</summary>
    private void LowerDeleteAll(LoweredMap map) =>
        Ir.Emit(new MapWalkOp(null, map, Callback("clear_callback", "clear", 2, (ir, p) =>
        {
            ir.CallVoid(HelperFunction.MapDeleteElem, p[0], p[1]);
            ir.Return(new Imm(0));
        }), new Imm(0)));

    /// <summary><c>clear(@m)</c>: a scalar map deletes its one key; a keyed map or a histogram deletes every entry now.</summary>
    private void LowerClear(MapSymbol symbol)
    {
        var map = MapOf(symbol);
        if ((symbol.IsScalar || symbol.KeyTypes is null) && !IsHistogram(symbol))
            LowerDelete(symbol, []);
        else
            LowerDeleteAll(map);
    }

    /// <summary>
    /// <c>delete(@h[k])</c> of a hist or lhist map removes every bucket of key k: a walk whose callback deletes the
    /// entries whose key starts with k (the walk's context, on the probe's stack). A scalar histogram is cleared.
    /// </summary>
    private void LowerHistogramDelete(MapSymbol symbol, IReadOnlyList<BoundExpression> keys)
    {
        var map = MapOf(symbol);
        if (keys.Count == 0)
        {
            LowerDeleteAll(map);
            return;
        }
        var callback = Callback("delete_buckets_callback", "delete_buckets " + map.Ref.Name, 4, (ir, p) =>
        {
            var keep = ir.NewLabel("keep_bucket");
            for (var i = 0; i < symbol.KeySize; i += 8)
                ir.Branch(IrCondition.Ne, ir.Load(new PointerAddress(p[1], i), IrInt.U64), ir.Load(new PointerAddress(p[3], i), IrInt.U64), keep);
            ir.CallVoid(HelperFunction.MapDeleteElem, p[0], p[1]);
            ir.Mark(keep);
            ir.Return(new Imm(0));
        });
        var key = LowerKey(symbol, keys);
        Ir.Emit(new MapWalkOp(null, map, callback, new StackAddress(key)));
    }

    /// <summary>
    /// <c>zero(@m)</c>: a walk whose callback zeroes the value it is handed, or for per-CPU maps (the walk hands over
    /// this CPU's slot only) every CPU's slot.
    /// </summary>
    private void LowerZero(MapSymbol symbol)
    {
        var map = MapOf(symbol);
        var size = Align8(symbol.ValueType!.Size);
        void ZeroValue(IrBuilder ir, VReg value)
        {
            for (var i = 0; i < size; i += 8)
                ir.Store(new PointerAddress(value, i), 8, new Imm(0));
        }
        var callback = Callback("zero_callback", "zero " + map.Ref.Name, 3, (ir, p) =>
        {
            if (symbol.IsAggregation)
                ForEachCpu(ir, map, p[1], slot => ZeroValue(ir, slot));
            else
                ZeroValue(ir, p[2]);
            ir.Return(new Imm(0));
        });
        Ir.Emit(new MapWalkOp(null, map, callback, new Imm(0)));
    }

    /// <summary><c>len(@m)</c>: bpf_for_each_map_elem returns how many entries it visited; a callback that only goes on counts them.</summary>
    internal Operand LowerLen(MapSymbol symbol)
    {
        var map = MapOf(symbol);
        var visited = Ir.NewRegister();
        Ir.Emit(new MapWalkOp(visited, map, Callback("continue_callback", "continue", 1, (ir, _) => ir.Return(new Imm(0))), new Imm(0)));
        return visited;
    }

    /// <summary><c>has_key(@m, k)</c>: 1 when the lookup finds the key now, else 0.</summary>
    internal Operand LowerHasKey(MapSymbol symbol, IReadOnlyList<BoundExpression> keys)
    {
        var map = MapOf(symbol);
        var key = LowerKey(symbol, keys);
        if (IsHistogram(symbol))
            Ir.Store(new SlotAddress(key, symbol.KeySize), 8, new Imm(0));
        var result = Ir.NewRegister();
        var missing = Ir.NewLabel("has_key_missing");
        var value = Ir.Lookup(map, new StackAddress(key));
        Ir.Emit(new MoveOp(result, new Imm(0)));
        Ir.Branch(IrCondition.Eq, value, new Imm(0), missing);
        Ir.Emit(new MoveOp(result, new Imm(1)));
        Ir.Mark(missing);
        return result;
    }

    /// <summary>
    /// Reading a count, sum, min or max in the probe: its value over every CPU's slot, as bpftrace reads a per-CPU
    /// value (the sum for count and sum; the least or greatest of the slots that hold a value for min and max, 0 if none does).
    /// </summary>
    private Operand LowerAggregationRead(BoundMapRead read)
    {
        var kind = ((AggregationType)read.Map.ValueType!).Kind;
        if (kind is not (AggregationKind.Count or AggregationKind.Sum or AggregationKind.Min or AggregationKind.Max))
            throw NotSupported("reading an aggregation of " + kind);
        var map = MapOf(read.Map);
        var key = LowerKey(read.Map, read.Keys);
        var total = Ir.NewRegister();
        Ir.Emit(new MoveOp(total, new Imm(0)));
        if (kind is AggregationKind.Count or AggregationKind.Sum)
        {
            ForEachCpu(Ir, map, new StackAddress(key), slot =>
                Ir.Emit(new BinaryOp(IrBinaryOp.Add, total, total, Ir.Load(new PointerAddress(slot), IrInt.U64))));
            return total;
        }
        var found = Ir.NewRegister();
        Ir.Emit(new MoveOp(found, new Imm(0)));
        ForEachCpu(Ir, map, new StackAddress(key), slot =>
        {
            var take = Ir.NewLabel("take_cpu");
            var skip = Ir.NewLabel("skip_cpu");
            Ir.Branch(IrCondition.Eq, Ir.Load(new PointerAddress(slot, 8), IrInt.U64), new Imm(0), skip);
            var value = Ir.Load(new PointerAddress(slot), IrInt.U64);
            Ir.Branch(IrCondition.Eq, found, new Imm(0), take);
            Ir.Branch(kind == AggregationKind.Min ? IrCondition.Sge : IrCondition.Sle, value, total, skip);
            Ir.Mark(take);
            Ir.Emit(new MoveOp(total, value));
            Ir.Emit(new MoveOp(found, new Imm(1)));
            Ir.Mark(skip);
        });
        return total;
    }
}
