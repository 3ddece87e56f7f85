using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>
/// The map code of <c>let @m = percpuarray(N);</c>. Array elements always exist and cannot be deleted, so each CPU's
/// slot carries a "present" word after the aggregation's value: an update sets it on its CPU, delete() and clear()
/// zero every CPU's slot, and an index is an entry when some CPU's slot is present (has_key, len, for, print and the
/// maps printed at exit all ask that).
/// </summary>
internal sealed partial class ProbeLowerer
{
    /// <summary>
    /// A per-CPU array reads its u32 index from the low half of the 8-byte key. An index outside 0..N-1 (as a
    /// 64-bit unsigned number, so -1 or 1 &lt;&lt; 32 do not wrap onto a valid one) becomes 0xffffffff, which no array
    /// holds: lookups find nothing, and an update counts as dropped.
    /// </summary>
    private void ClampArrayIndex(MapSymbol map, Slot key)
    {
        var size = map.DeclaredMaxEntries ?? throw NotSupported("a percpuarray without a size");
        var inRange = Ir.NewLabel("index_in_range");
        Ir.Branch(IrCondition.Lt, Ir.Load(new SlotAddress(key), IrInt.U64), new Imm(size), inRange);
        Ir.Store(new SlotAddress(key), 4, new Imm(-1));
        Ir.Mark(inRange);
    }

    /// <summary><c>@m[i] = f(x)</c>: this CPU's slot of element i is updated and marked present; an index outside the array is a dropped update.</summary>
    private void LowerArrayAggregate(MapSymbol symbol, LoweredMap map, Slot key, IAggregationLowering function, Operand argument)
    {
        var found = Ir.NewLabel("found");
        var done = Ir.NewLabel("done");
        var slot = Ir.Lookup(map, new StackAddress(key));
        Ir.Branch(IrCondition.Ne, slot, new Imm(0), found);
        Ir.Emit(new DroppedUpdateOp(map));
        Ir.Goto(done);
        Ir.Mark(found);
        Ir.Store(new PointerAddress(slot, symbol.PresentOffset), 8, new Imm(1));
        function.LowerUpdate(Ir, new PointerAddress(slot), argument);
        Ir.Mark(done);
    }

    /// <summary><c>delete(@m[i])</c>, <c>delete(@x)</c>: every CPU's slot of the element is zeroed, "present" included.</summary>
    private void LowerArrayDelete(MapSymbol symbol, LoweredMap map, Slot key) => ZeroAllCpus(Ir, symbol, map, new StackAddress(key));

    private static void ZeroAllCpus(IrBuilder ir, MapSymbol symbol, LoweredMap map, Operand key) =>
        ForEachCpu(ir, map, key, slot =>
        {
            for (var i = 0; i < symbol.StoredValueSize; i += 8)
                ir.Store(new PointerAddress(slot, i), 8, new Imm(0));
        });

    /// <summary>Jumps to <paramref name="present"/> when some CPU's slot of the element under <paramref name="key"/> is present; falls through otherwise.</summary>
    private static void AnyCpuPresent(IrBuilder ir, MapSymbol symbol, LoweredMap map, Operand key, IrLabel present) =>
        ForEachCpu(ir, map, key, slot =>
            ir.Branch(IrCondition.Ne, ir.Load(new PointerAddress(slot, symbol.PresentOffset), IrInt.U64), new Imm(0), present));

    /// <summary><c>clear(@m)</c>: a walk whose callback zeroes every CPU's slot of each element.</summary>
    private void LowerArrayClear(MapSymbol symbol, LoweredMap map) =>
        Ir.Emit(new MapWalkOp(null, map, Callback("array_clear_callback", "array_clear " + map.Ref.Name, 2, (ir, p) =>
        {
            ZeroAllCpus(ir, symbol, map, p[1]);
            ir.Return(new Imm(0));
        }), new Imm(0)));

    /// <summary><c>has_key(@m, i)</c>: 1 when some CPU's slot of element i is present.</summary>
    private Operand LowerArrayHasKey(MapSymbol symbol, LoweredMap map, Slot key)
    {
        var result = Ir.NewRegister();
        var present = Ir.NewLabel("has_key_present");
        var end = Ir.NewLabel("has_key_end");
        Ir.Emit(new MoveOp(result, new Imm(0)));
        AnyCpuPresent(Ir, symbol, map, new StackAddress(key), present);
        Ir.Goto(end);
        Ir.Mark(present);
        Ir.Emit(new MoveOp(result, new Imm(1)));
        Ir.Mark(end);
        return result;
    }

    /// <summary><c>len(@m)</c>: a walk whose callback counts the present elements in a counter on the probe's stack (the walk's context).</summary>
    private Operand LowerArrayLen(MapSymbol symbol, LoweredMap map)
    {
        var counter = Ir.NewSlot(8);
        Ir.Store(new SlotAddress(counter), 8, new Imm(0));
        Ir.Emit(new MapWalkOp(null, map, Callback("array_len_callback", "array_len " + map.Ref.Name, 4, (ir, p) =>
        {
            var present = ir.NewLabel("array_len_present");
            AnyCpuPresent(ir, symbol, map, p[1], present);
            ir.Return(new Imm(0));
            ir.Mark(present);
            ir.Store(new PointerAddress(p[3]), 8, ir.Binary(IrBinaryOp.Add, ir.Load(new PointerAddress(p[3]), IrInt.U64), new Imm(1)));
            ir.Return(new Imm(0));
        }), new StackAddress(counter)));
        return Ir.Load(new SlotAddress(counter), IrInt.U64);
    }

    /// <summary>
    /// In a for body over a per-CPU array: an element no CPU marked present is skipped (the body returns 0 at once);
    /// the u32 index widens to the 8-byte key of $kv.
    /// </summary>
    private void ArrayEntryKey(MapSymbol symbol, LoweredMap map, VReg key, Slot entry)
    {
        var present = Ir.NewLabel("for_present");
        AnyCpuPresent(Ir, symbol, map, key, present);
        Ir.Return(new Imm(0));
        Ir.Mark(present);
        Ir.Store(new SlotAddress(entry), 8, Ir.Load(new PointerAddress(key), IrInt.U32));
    }
}
