using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>Map keys, reads, writes, deletes and aggregation updates.</summary>
internal sealed partial class ProbeLowerer
{
    private LoweredMap MapOf(MapSymbol map) => _maps[map];

    /// <summary>Builds a map key; hist and lhist keys leave 8 bytes for the bucket after it (the caller writes it).</summary>
    private Slot LowerKey(MapSymbol map, IReadOnlyList<BoundExpression> keys)
    {
        var key = Ir.NewSlot(map.IsPerCpuArray ? 8 : map.StoredKeySize);
        if (keys.Count == 0)
        {
            if (map.KeySize > 0)
                Ir.Store(new SlotAddress(key), 8, new Imm(0));
            return key;
        }
        for (var i = 0; i < keys.Count; i++)
        {
            var size = map.KeyTypes![i].Size;
            LowerAs(keys[i], map.KeyTypes[i], key, map.KeyOffset(i), padStrings: true);
            Ir.Zero(key, map.KeyOffset(i) + size, map.KeySlotSize(i) - size);
        }
        if (map.IsPerCpuArray)
            ClampArrayIndex(map, key);
        return key;
    }

    private void LowerMapAssign(BoundMapAssign s)
    {
        var map = MapOf(s.Map);
        if (IsHistogram(s.Map))
            throw NotSupported("assigning to a histogram map");
        var valueSize = s.Map.ValueType!.Size;
        var value = Ir.NewSlot(s.Map.StoredValueSize);
        LowerAs(s.Value, s.Map.ValueType, value, 0, padStrings: true);
        Ir.Zero(value, valueSize, s.Map.StoredValueSize - valueSize);
        var key = LowerKey(s.Map, s.Keys);
        Ir.Emit(new MapUpdateOp(map, new StackAddress(key), new StackAddress(value), BpfAny));
    }

    private Operand LowerMapReadScalar(BoundMapRead read)
    {
        if (read.Map.IsAggregation)
            return LowerAggregationRead(read);
        var map = MapOf(read.Map);
        var key = LowerKey(read.Map, read.Keys);
        var result = Ir.NewRegister();
        var missing = Ir.NewLabel("missing");
        var value = Ir.Lookup(map, new StackAddress(key));
        Ir.Emit(new MoveOp(result, new Imm(0)));
        Ir.Branch(IrCondition.Eq, value, new Imm(0), missing);
        // A map keeps an integer at its own width (an int8 map's -1 is one byte), loaded with its sign.
        var load = read.Type is IntegerType integer ? new IrInt(integer.Bytes, integer.IsSigned) : read.Type is BoolType ? new IrInt(1, false) : IrInt.U64;
        Ir.Emit(new LoadOp(result, new PointerAddress(value), load));
        Ir.Mark(missing);
        return result;
    }

    private void LowerMapReadInto(BoundMapRead read, Slot slot, int offset, int size)
    {
        var map = MapOf(read.Map);
        if (read.Map.IsAggregation)
            throw NotSupported("reading an aggregation");
        var key = LowerKey(read.Map, read.Keys);
        var missing = Ir.NewLabel("missing");
        var end = Ir.NewLabel("end");
        var value = Ir.Lookup(map, new StackAddress(key));
        Ir.Branch(IrCondition.Eq, value, new Imm(0), missing);
        Ir.Copy(new SlotAddress(slot, offset), new PointerAddress(value), Math.Min(size, read.Type.Size));
        Ir.Zero(slot, offset + read.Type.Size, size - read.Type.Size);
        Ir.Goto(end);
        Ir.Mark(missing);
        Ir.Zero(slot, offset, size);
        Ir.Mark(end);
    }

    private void LowerDelete(MapSymbol symbol, IReadOnlyList<BoundExpression> keys, int missingWarning = -1)
    {
        var map = MapOf(symbol);
        if (IsHistogram(symbol))
        {
            LowerHistogramDelete(symbol, keys);
            return;
        }
        if (symbol.IsPerCpuArray)
        {
            LowerArrayDelete(symbol, map, LowerKey(symbol, keys));
            return;
        }
        var key = LowerKey(symbol, keys);
        if (missingWarning < 0)
        {
            Ir.Emit(new MapDeleteOp(map, new StackAddress(key)));
            return;
        }
        var done = Ir.NewLabel("delete_done");
        var result = Ir.Call(HelperFunction.MapDeleteElem, new MapHandle(map), new StackAddress(key));
        Ir.Branch(IrCondition.Eq, result, new Imm(0), done);
        LowerReservedRecord(missingWarning, _ => { });
        Ir.Mark(done);
    }

    /// <summary>
    /// <c>delete(@m, k)</c> as a value: 1 when bpf_map_delete_elem removed an element, 0 otherwise. For a hist or
    /// lhist map, 1 when some bucket of the key was deleted; for a per-CPU array, 1 when some CPU's slot was present.
    /// </summary>
    private Operand LowerDeleteValue(BoundDeleteValue delete)
    {
        if (IsHistogram(delete.Map))
            return LowerHistogramDeleteValue(delete.Map, delete.Keys);
        if (delete.Map.IsPerCpuArray)
        {
            var map = MapOf(delete.Map);
            var index = LowerKey(delete.Map, delete.Keys);
            var present = LowerArrayHasKey(delete.Map, map, index);
            LowerArrayDelete(delete.Map, map, index);
            return present;
        }
        var key = LowerKey(delete.Map, delete.Keys);
        var result = Ir.Call(HelperFunction.MapDeleteElem, new MapHandle(MapOf(delete.Map)), new StackAddress(key));
        return Boolean(IrCondition.Eq, result, new Imm(0));
    }

    /// <summary>
    /// <c>@m[k] = f(x)</c>: updates this CPU's slot of the entry (of the value's bucket for hist and lhist) in place;
    /// a missing entry is created with its first value, computed on the stack, and is not looked up again (a per-CPU
    /// map's update from a program writes this CPU's slot and zeroes the others).
    /// </summary>
    private void LowerAggregate(BoundAggregate s)
    {
        var map = MapOf(s.Map);
        var function = _builtins.Aggregation(s.Type);
        Operand argument = new Imm(0);
        if (s.Argument is { } arg)
            argument = LowerScalar(arg);
        var key = LowerKey(s.Map, s.Keys);
        if (s.Map.IsPerCpuArray)
        {
            LowerArrayAggregate(s.Map, map, key, function, argument);
            return;
        }
        if (function.LowerWhole(Ir, map, key, s.Map.KeySize, argument, s.Type))
            return;
        if (s.Type.IsHistogram)
            Ir.Store(new SlotAddress(key, s.Map.KeySize), 8, function.LowerBucket(Ir, argument, s.Type));
        var missing = Ir.NewLabel("missing");
        var done = Ir.NewLabel("done");
        var slot = Ir.Lookup(map, new StackAddress(key));
        Ir.Branch(IrCondition.Eq, slot, new Imm(0), missing);
        function.LowerUpdate(Ir, new PointerAddress(slot), argument);
        Ir.Goto(done);
        Ir.Mark(missing);
        var first = Ir.NewSlot(s.Type.Size);
        function.LowerFirst(Ir, first, argument);
        Ir.Emit(new MapUpdateOp(map, new StackAddress(key), new StackAddress(first), BpfAny));
        Ir.Mark(done);
    }
}
