using SharpTrace.Builtins.Aggregations;
using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.CodeGen;

/// <summary>
/// The map code of aggregations and of zero(): updating a per-CPU slot (one entry per bucket for hist and lhist),
/// zeroing every entry on every CPU, and deleting every bucket of one histogram key.
/// </summary>
internal sealed partial class ProbeEmitter
{
    private readonly Dictionary<MapSymbol, Label> _zeroCallbacks = [];
    private readonly Dictionary<MapSymbol, Label> _histogramDeleteCallbacks = [];

    private static bool IsHistogram(MapSymbol map) => map.ValueType is AggregationType { IsHistogram: true };

    /// <summary>
    /// <c>@m[k] = f(x)</c>: finds this CPU's slot of the entry (for hist and lhist, of the value's bucket), creating
    /// it zeroed on first use, then lets the function update it.
    /// </summary>
    private void EmitAggregate(BoundAggregate s)
    {
        var function = AggregationFunction.For(s.Type);
        var argument = 0;
        if (s.Argument is { } arg)
        {
            argument = Allocate(8);
            EmitScalar(arg);
            Asm.Store(Size.U64, Reg.R10, (short)argument, Reg.R0);
        }
        if (s.Map.IsPerCpuArray)
        {
            EmitArrayAggregate(s, argument);
            return;
        }
        var key = EmitKey(s.Map, s.Keys);
        if (s.Type.IsHistogram)
        {
            Asm.Load(Size.U64, Reg.R0, Reg.R10, (short)argument);
            if (s.Kind == AggregationKind.Hist)
                Hist.EmitBucket(Asm, s.Type.Bits);
            else
                Lhist.EmitBucket(Asm, s.Type);
            Asm.Store(Size.U64, Reg.R10, (short)(key + s.Map.KeySize), Reg.R0);
        }
        var found = Asm.NewLabel("found");
        var done = Asm.NewLabel("done");
        CallMap(HelperFunction.MapLookupElem, s.Map, key);
        Asm.JumpIf(JumpOp.Ne, Reg.R0, 0, found);
        // First update of this entry: create it zeroed (on every CPU), then look it up again.
        var zero = Allocate(s.Type.Size);
        ZeroFill(zero, s.Type.Size);
        CallMap(HelperFunction.MapUpdateElem, s.Map, key, zero, BpfNoExist);
        CountDroppedUpdate(s.Map);
        CallMap(HelperFunction.MapLookupElem, s.Map, key);
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, done);
        Asm.Mark(found);
        if (s.Argument is not null)
            Asm.Load(Size.U64, Reg.R2, Reg.R10, (short)argument);
        function.EmitUpdate(Asm);
        Asm.Mark(done);
    }

    /// <summary>
    /// <c>zero(@m)</c>: walks the map with bpf_for_each_map_elem; the callback zeroes the value it is handed, or for
    /// per-CPU maps (which hand over this CPU's slot only) every CPU's slot through bpf_map_lookup_percpu_elem.
    /// </summary>
    private void EmitZero(MapSymbol map)
    {
        if (!_zeroCallbacks.TryGetValue(map, out var callback))
        {
            _zeroCallbacks[map] = callback = Asm.NewLabel("zero_callback");
            _subprograms.Add((callback, () => EmitZeroCallback(map)));
        }
        EmitMapWalk(map, callback);
    }

    // Callback arguments: r1 = map, r2 = key, r3 = value, r4 = context. Returns 0 to continue the walk.
    private void EmitZeroCallback(MapSymbol map)
    {
        var valueSize = TupleType.Align8(map.ValueType!.Size);
        if (!map.IsAggregation)
        {
            for (var i = 0; i < valueSize; i += 8)
                Asm.StoreImm(Size.U64, Reg.R3, (short)i, 0);
        }
        else
        {
            Asm.Mov(Reg.R6, Reg.R2);
            EmitZeroAllCpus(map, () => Asm.Mov(Reg.R2, Reg.R6), Reg.R7, valueSize);
        }
        Asm.Mov(Reg.R0, 0);
        Asm.Exit();
    }

    /// <summary>
    /// <c>delete(@h[k])</c> of a hist or lhist map removes every bucket of key k: a walk of the map whose callback
    /// deletes the entries whose key starts with k (passed as the walk's context). A scalar histogram is cleared.
    /// </summary>
    private void EmitHistogramDelete(MapSymbol map, IReadOnlyList<BoundExpression> keys)
    {
        if (keys.Count == 0)
        {
            EmitClear(map);
            return;
        }
        if (!_histogramDeleteCallbacks.TryGetValue(map, out var callback))
        {
            _histogramDeleteCallbacks[map] = callback = Asm.NewLabel("delete_buckets_callback");
            _subprograms.Add((callback, () => EmitHistogramDeleteCallback(map)));
        }
        var key = EmitKey(map, keys);
        EmitMapWalk(map, callback, () => FramePointer(Reg.R3, key));
    }

    private void EmitHistogramDeleteCallback(MapSymbol map)
    {
        var keep = Asm.NewLabel("keep_bucket");
        for (var i = 0; i < map.KeySize; i += 8)
        {
            Asm.Load(Size.U64, Reg.R0, Reg.R2, (short)i);
            Asm.Load(Size.U64, Reg.R5, Reg.R4, (short)i);
            Asm.JumpIf(JumpOp.Ne, Reg.R0, Reg.R5, keep);
        }
        // r1 = map, r2 = key: exactly bpf_map_delete_elem's arguments.
        Asm.Call(HelperFunction.MapDeleteElem);
        Asm.Mark(keep);
        Asm.Mov(Reg.R0, 0);
        Asm.Exit();
    }
}
