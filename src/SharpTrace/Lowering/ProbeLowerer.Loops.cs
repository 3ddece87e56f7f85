using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>The probe's entry of the per-CPU loop_variables array, where its $variables are while a loop body runs.</summary>
internal sealed record LoopVariablesEntry(LoweredMap Map, int Index);

/// <summary>
/// Loops and the map functions that walk a map. <c>while</c> is a bounded loop (a backward jump the verifier
/// follows); a per-CPU map's value is read with a loop over every possible CPU's slot; <c>clear</c>, <c>zero</c>,
/// <c>len</c> and deleting a histogram's key walk the map (bpf_for_each_map_elem) with a callback, built once per
/// probe and map.
/// <para>
/// <c>for ($i : a..b)</c> (bpf_loop) and <c>for ($kv : @m)</c> (bpf_for_each_map_elem) run their body as a callback.
/// Around the call the $variables go to the probe's entry of the per-CPU loop_variables array, and those the body
/// assigns come back after (see <see cref="LoopVariables"/> for why a map value and not the stack). The callback's
/// context is the "loop frame" on the probe's stack: the probe's context pointer and the entry's address. The body
/// loads the variables into registers and slots of its own on entry (CodeGen drops the loads nobody reads), and
/// writes back those it assigns when it returns: 0 to go on (end of body, continue), 1 to stop (break). exit() and
/// return set the entry's leave flag and return 1 (<c>return VALUE</c> leaves VALUE beside the flag); whoever started the
/// loop checks the flag and leaves in turn, the probe itself returning that value.
/// </para>
/// </summary>
internal sealed partial class ProbeLowerer
{
    private const int LoopFrameSize = 16;

    private readonly Dictionary<string, IrCallback> _callbacks = [];
    private LoopVariablesEntry? _loopVariables;
    private IrLabel? _break;
    private IrLabel? _continue;

    /// <summary>In a loop body: the loop_variables entry, the loop frame, and where exit() and return go.</summary>
    private sealed record LoopBody(VReg Entry, VReg Frame, IrLabel Leave);

    private LoopBody? _loopBody;

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
            case BoundReturn { Value: { } value }:
                // The value is the program's return. A for body is a callback of its own: it leaves the value in the
                // loop_variables entry, and the probe returns it once the loop has stopped (see RunLoop).
                if (_loopBody is { } body)
                {
                    Ir.Store(new PointerAddress(body.Entry, ReturnValueOffset), 8, LowerScalar(value));
                    Ir.Goto(body.Leave);
                }
                else
                    Ir.Return(LowerScalar(value));
                return true;
            case BoundReturn:
                Ir.Goto(_loopBody?.Leave ?? _end);
                return true;
            case BoundForRange s:
                LowerForRange(s);
                return true;
            case BoundForMap s:
                LowerForMap(s);
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
    internal IrCallback Callback(string name, string key, int arguments, Action<IrBuilder, IReadOnlyList<VReg>> body)
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
        if (symbol.IsPerCpuArray)
            LowerArrayClear(symbol, map);
        else if ((symbol.IsScalar || symbol.KeyTypes is null) && !IsHistogram(symbol))
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
    /// The value of <c>delete(@h, k)</c> on a hist or lhist map: the walk above, whose callback also sets a flag after
    /// the key in its context (the key's bucket part) when it deleted a bucket; the flag is the value.
    /// </summary>
    private Operand LowerHistogramDeleteValue(MapSymbol symbol, IReadOnlyList<BoundExpression> keys)
    {
        var map = MapOf(symbol);
        var callback = Callback("delete_buckets_callback", "delete_buckets_flag " + map.Ref.Name, 4, (ir, p) =>
        {
            var keep = ir.NewLabel("keep_bucket");
            for (var i = 0; i < symbol.KeySize; i += 8)
                ir.Branch(IrCondition.Ne, ir.Load(new PointerAddress(p[1], i), IrInt.U64), ir.Load(new PointerAddress(p[3], i), IrInt.U64), keep);
            var result = ir.Call(HelperFunction.MapDeleteElem, p[0], p[1]);
            ir.Branch(IrCondition.Ne, result, new Imm(0), keep);
            ir.Store(new PointerAddress(p[3], symbol.KeySize), 8, new Imm(1));
            ir.Mark(keep);
            ir.Return(new Imm(0));
        });
        var key = LowerKey(symbol, keys);
        Ir.Store(new SlotAddress(key, symbol.KeySize), 8, new Imm(0));
        Ir.Emit(new MapWalkOp(null, map, callback, new StackAddress(key)));
        return Ir.Load(new SlotAddress(key, symbol.KeySize), IrInt.U64);
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
        if (symbol.IsPerCpuArray)
            return LowerArrayLen(symbol, map);
        var visited = Ir.NewRegister();
        Ir.Emit(new MapWalkOp(visited, map, Callback("continue_callback", "continue", 1, (ir, _) => ir.Return(new Imm(0))), new Imm(0)));
        return visited;
    }

    /// <summary><c>has_key(@m, k)</c>: 1 when the lookup finds the key now, else 0.</summary>
    internal Operand LowerHasKey(MapSymbol symbol, IReadOnlyList<BoundExpression> keys)
    {
        var map = MapOf(symbol);
        var key = LowerKey(symbol, keys);
        if (symbol.IsPerCpuArray)
            return LowerArrayHasKey(symbol, map, key);
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
    /// Reading a count, sum, min, max or avg in the probe: its value over every CPU's slot, as bpftrace reads a per-CPU
    /// value (the sum for count and sum; the least or greatest of the slots that hold a value for min and max, 0 if
    /// none does; the summed totals divided by the summed counts for avg).
    /// </summary>
    private Operand LowerAggregationRead(BoundMapRead read)
    {
        var map = MapOf(read.Map);
        var kind = ReadableKind(read.Map);
        return AllCpusValue(map, new StackAddress(LowerKey(read.Map, read.Keys)), kind, ((AggregationType)read.Map.ValueType!).IsSigned);
    }

    private static AggregationKind ReadableKind(MapSymbol map)
    {
        var kind = ((AggregationType)map.ValueType!).Kind;
        if (kind is not (AggregationKind.Count or AggregationKind.Sum or AggregationKind.Min or AggregationKind.Max or AggregationKind.Avg))
            throw NotSupported("reading an aggregation of " + kind);
        return kind;
    }

    /// <summary>The value under <paramref name="key"/> combined over every CPU's slot (see <see cref="LowerAggregationRead"/>).</summary>
    private VReg AllCpusValue(LoweredMap map, Operand key, AggregationKind kind, bool signed)
    {
        var total = Ir.NewRegister();
        Ir.Emit(new MoveOp(total, new Imm(0)));
        if (kind is AggregationKind.Avg)
            return AllCpusAverage(map, key, total, signed);
        if (kind is AggregationKind.Count or AggregationKind.Sum)
        {
            ForEachCpu(Ir, map, key, slot =>
                Ir.Emit(new BinaryOp(IrBinaryOp.Add, total, total, Ir.Load(new PointerAddress(slot), IrInt.U64))));
            return total;
        }
        var found = Ir.NewRegister();
        Ir.Emit(new MoveOp(found, new Imm(0)));
        ForEachCpu(Ir, map, key, slot =>
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

    /// <summary>
    /// An avg's value: the CPUs' totals summed, divided by their counts summed, as the newest bpftrace reads an avg_t
    /// (a signed total divided as its magnitude and negated, so the quotient rounds toward zero; 0 when the count is 0).
    /// </summary>
    private VReg AllCpusAverage(LoweredMap map, Operand key, VReg total, bool signed)
    {
        var count = Ir.NewRegister();
        Ir.Emit(new MoveOp(count, new Imm(0)));
        ForEachCpu(Ir, map, key, slot =>
        {
            Ir.Emit(new BinaryOp(IrBinaryOp.Add, total, total, Ir.Load(new PointerAddress(slot), IrInt.U64)));
            Ir.Emit(new BinaryOp(IrBinaryOp.Add, count, count, Ir.Load(new PointerAddress(slot, 8), IrInt.U64)));
        });
        var average = Ir.NewRegister();
        var done = Ir.NewLabel("avg_done");
        if (signed)
        {
            var positive = Ir.NewLabel("avg_positive");
            Ir.Branch(IrCondition.Sge, total, new Imm(0), positive);
            Ir.Emit(new UnaryOp(IrUnaryOp.Neg, total, total));
            Ir.Emit(new BinaryOp(IrBinaryOp.Div, average, total, count));
            Ir.Emit(new UnaryOp(IrUnaryOp.Neg, average, average));
            Ir.Goto(done);
            Ir.Mark(positive);
        }
        Ir.Emit(new BinaryOp(IrBinaryOp.Div, average, total, count));
        Ir.Mark(done);
        return average;
    }

    // ---- for loops ---------------------------------------------------------------------------------------

    /// <summary><c>for ($i : a..b)</c>: $start = a; bpf_loop runs the body b - $start times (none if that is not positive) with $i = $start + index.</summary>
    private void LowerForRange(BoundForRange s)
    {
        var start = _integerVariables[s.Start];
        Ir.Emit(new MoveOp(start, LowerScalar(s.From)));
        var count = Ir.Binary(IrBinaryOp.Sub, LowerScalar(s.To), start);
        var empty = Ir.NewLabel("for_range_empty");
        Ir.Branch(IrCondition.Sle, count, new Imm(0), empty);
        var body = LowerLoopBody("for_range_body", 2, s, s.Body, s.Assigned, p =>
        {
            var value = Ir.Binary(IrBinaryOp.Add, p[0], _integerVariables[s.Start]);
            // `&$i` in the body puts $i on the callback's stack.
            if (_integerVariables.TryGetValue(s.Variable, out var register))
                Ir.Emit(new MoveOp(register, value));
            else
                Ir.Store(new SlotAddress(_bufferVariables[s.Variable]), Math.Min(8, s.Variable.Type.Size), value);
        });
        RunLoop(s.Body, s.Assigned, frame => Ir.Emit(new LoopCallOp(count, body, frame)));
        Ir.Mark(empty);
    }

    /// <summary>
    /// <c>for ($kv : @m)</c>: a walk whose callback sets $kv = (key, value), the value of a count, sum, min, max or avg
    /// being its value over every CPU (the walk hands over this CPU's slot only).
    /// </summary>
    private void LowerForMap(BoundForMap s)
    {
        var map = MapOf(s.Map);
        if (IsHistogram(s.Map))
            throw NotSupported("for over a histogram map");
        var kind = s.Map.IsAggregation ? ReadableKind(s.Map) : (AggregationKind?)null;
        var body = LowerLoopBody("for_map_body", 4, s, s.Body, s.Assigned, p =>
        {
            var entry = _bufferVariables[s.Variable];
            // $kv is laid out as the tuple (key, value), its key part as the map's key (one key, or the keys' tuple):
            // the key's bytes and the value's are copied as they are, then the padding between and after them zeroed.
            var kv = (TupleType)s.Variable.Type;
            var valueOffset = kv.OffsetOf(1);
            if (s.Map.IsPerCpuArray)
                ArrayEntryKey(s.Map, map, p[1], entry);
            else
                Ir.Copy(new SlotAddress(entry), new PointerAddress(p[1]), kv.Elements[0].Size);
            Ir.Zero(entry, kv.Elements[0].Size, kv.SlotSize(0) - kv.Elements[0].Size);
            if (kind is { } aggregation)
                Ir.Store(new SlotAddress(entry, valueOffset), 8, AllCpusValue(map, p[1], aggregation, ((AggregationType)s.Map.ValueType!).IsSigned));
            else
                Ir.Copy(new SlotAddress(entry, valueOffset), new PointerAddress(p[2]), kv.Elements[1].Size);
            Ir.Zero(entry, valueOffset + kv.Elements[1].Size, kv.SlotSize(1) - kv.Elements[1].Size);
        });
        RunLoop(s.Body, s.Assigned, frame => Ir.Emit(new MapWalkOp(null, map, body, frame)));
    }

    /// <summary>exit(): the probe returns; in a loop body, the leave flag is set and the body stops the loop.</summary>
    private void LeaveProbe()
    {
        if (_loopBody is { } body)
            Ir.Goto(body.Leave);
        else
            Ir.Return(new Imm(0));
    }

    private Dictionary<VariableSymbol, int> VariableOffsets()
    {
        var offsets = new Dictionary<VariableSymbol, int>();
        var offset = 0;
        foreach (var variable in _probe.Variables)
        {
            offsets[variable] = offset;
            offset += Align8(Math.Max(variable.Type.Size, 1));
        }
        return offsets;
    }

    private int LeaveFlagOffset => LoopVariables.AreaSize(_probe);

    private int ReturnValueOffset => LeaveFlagOffset + 8;

    /// <summary>Writes <paramref name="variables"/> from their registers and slots into the loop_variables entry.</summary>
    private void SaveVariables(VReg entry, IEnumerable<VariableSymbol> variables)
    {
        var offsets = VariableOffsets();
        foreach (var variable in variables)
        {
            var to = new PointerAddress(entry, offsets[variable]);
            if (_integerVariables.TryGetValue(variable, out var register))
                Ir.Store(to, 8, register);
            else
                Ir.Copy(to, new SlotAddress(_bufferVariables[variable]), Align8(Math.Max(variable.Type.Size, 1)));
        }
    }

    /// <summary>Reads <paramref name="variables"/> from the loop_variables entry into their registers and slots.</summary>
    private void LoadVariables(VReg entry, IEnumerable<VariableSymbol> variables)
    {
        var offsets = VariableOffsets();
        foreach (var variable in variables)
        {
            var from = new PointerAddress(entry, offsets[variable]);
            if (_integerVariables.TryGetValue(variable, out var register))
                Ir.Emit(new LoadOp(register, from, IrInt.U64));
            else
                Ir.Copy(new SlotAddress(_bufferVariables[variable]), from, Align8(Math.Max(variable.Type.Size, 1)));
        }
    }

    /// <summary>
    /// Runs a loop's helper call (<paramref name="call"/> gets the loop frame). From the probe itself: the entry is
    /// looked up and the loop frame built first (a failed lookup skips the loop). The variables go to the entry
    /// before the call and those the body assigns come back after; if the body can leave the probe, leave when it did.
    /// </summary>
    private void RunLoop(BoundBlock body, IReadOnlySet<VariableSymbol> assigned, Action<Operand> call)
    {
        var canLeave = LoopVariables.Contains(body, x => x is BoundExit or BoundReturn, intoLoops: true);
        var returnsValue = LoopVariables.ReturnsValue(body);
        VReg entry;
        Operand frame;
        IrLabel? skipped = null;
        if (_loopBody is { } outer)
            (entry, frame) = (outer.Entry, outer.Frame);
        else
        {
            var loopVariables = _loopVariables ?? throw NotSupported("a loop without a loop_variables entry");
            var key = Ir.NewSlot(8);
            Ir.Store(new SlotAddress(key), 8, new Imm(loopVariables.Index));
            entry = Ir.Lookup(loopVariables.Map, new StackAddress(key));
            skipped = Ir.NewLabel("loop_skipped");
            Ir.Branch(IrCondition.Eq, entry, new Imm(0), skipped);
            var loopFrame = Ir.NewSlot(LoopFrameSize);
            Ir.Store(new SlotAddress(loopFrame), 8, Ir.Context);
            Ir.Store(new SlotAddress(loopFrame, 8), 8, entry);
            frame = new StackAddress(loopFrame);
            if (canLeave)
                Ir.Store(new PointerAddress(entry, LeaveFlagOffset), 8, new Imm(0));
            // exit() leaves too, and the probe then returns 0.
            if (returnsValue)
                Ir.Store(new PointerAddress(entry, ReturnValueOffset), 8, new Imm(0));
        }
        SaveVariables(entry, _probe.Variables);
        call(frame);
        LoadVariables(entry, _probe.Variables.Where(assigned.Contains));
        if (canLeave && returnsValue && _loopBody is null)
        {
            var stayed = Ir.NewLabel("loop_stayed");
            Ir.Branch(IrCondition.Eq, Ir.Load(new PointerAddress(entry, LeaveFlagOffset), IrInt.U64), new Imm(0), stayed);
            Ir.Return(Ir.Load(new PointerAddress(entry, ReturnValueOffset), IrInt.U64));
            Ir.Mark(stayed);
        }
        else if (canLeave)
            Ir.Branch(IrCondition.Ne, Ir.Load(new PointerAddress(entry, LeaveFlagOffset), IrInt.U64), new Imm(0), _loopBody?.Leave ?? _end);
        if (skipped is not null)
            Ir.Mark(skipped);
    }

    /// <summary>
    /// A loop body as a callback of <paramref name="arguments"/> arguments, the last the loop frame. Lowered with a
    /// builder, registers and slots of its own; <paramref name="prologue"/> (given the arguments) sets the loop variable.
    /// </summary>
    private IrCallback LowerLoopBody(string name, int arguments, BoundStatement loop, BoundBlock body, IReadOnlySet<VariableSymbol> assigned,
        Action<IReadOnlyList<VReg>> prologue)
    {
        var saved = (Ir, _loopBody, _break, _continue, new Dictionary<VariableSymbol, VReg>(_integerVariables), new Dictionary<VariableSymbol, Slot>(_bufferVariables));
        Ir = new IrBuilder(name);
        var parameters = Enumerable.Range(0, arguments).Select(_ => Ir.NewRegister()).ToList();
        var frame = parameters[^1];
        Ir.Emit(new LoadOp(Ir.Context, new PointerAddress(frame), IrInt.U64));
        var entry = Ir.Load(new PointerAddress(frame, 8), IrInt.U64);
        _integerVariables.Clear();
        _bufferVariables.Clear();
        foreach (var variable in _probe.Variables)
        {
            if (InRegister(variable))
                _integerVariables[variable] = Ir.NewRegister();
            else
                _bufferVariables[variable] = Ir.NewSlot(Align8(Math.Max(variable.Type.Size, 1)), variable.IsAddressTaken);
        }
        var loopVariable = loop switch { BoundForMap m => m.Variable, BoundForRange r => r.Variable, _ => null };
        LoadVariables(entry, _probe.Variables.Where(v => v != loopVariable));
        var (leave, stop, next) = (Ir.NewLabel("leave_probe"), Ir.NewLabel("break"), Ir.NewLabel("continue"));
        _loopBody = new LoopBody(entry, frame, leave);
        (_break, _continue) = (stop, next);
        prologue(parameters);
        LowerStatement(body);
        Ir.Mark(next);
        SaveVariables(entry, _probe.Variables.Where(assigned.Contains));
        Ir.Return(new Imm(0));
        Ir.Mark(stop);
        SaveVariables(entry, _probe.Variables.Where(assigned.Contains));
        Ir.Return(new Imm(1));
        Ir.Mark(leave);
        Ir.Store(new PointerAddress(entry, LeaveFlagOffset), 8, new Imm(1));
        Ir.Return(new Imm(1));
        var function = Ir.Build();
        Dictionary<VariableSymbol, VReg> integers;
        Dictionary<VariableSymbol, Slot> buffers;
        (Ir, _loopBody, _break, _continue, integers, buffers) = saved;
        _integerVariables.Clear();
        _bufferVariables.Clear();
        foreach (var (variable, register) in integers)
            _integerVariables[variable] = register;
        foreach (var (variable, slot) in buffers)
            _bufferVariables[variable] = slot;
        return new IrCallback(function, parameters);
    }
}
