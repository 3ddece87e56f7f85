using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.CodeGen;

/// <summary>
/// The map code of <c>let @m = percpuarray(N);</c>. Array elements always exist and cannot be deleted, so each CPU's
/// slot carries a "present" word after the aggregation's value: an update sets it on its CPU, delete() and clear()
/// zero every CPU's slot, and an index is an entry when some CPU's slot is present (has_key, len, for, print and the
/// maps printed at exit all ask that).
/// </summary>
internal sealed partial class ProbeEmitter
{
    private readonly Dictionary<MapSymbol, Label> _arrayClearCallbacks = [];
    private readonly Dictionary<MapSymbol, Label> _arrayLenCallbacks = [];

    /// <summary>
    /// Falls through when no CPU's slot of the element whose key <paramref name="loadKey"/> puts in r2 is present,
    /// jumps to <paramref name="present"/> otherwise. <paramref name="cpu"/> (callee-saved) counts the CPUs.
    /// </summary>
    private void EmitAnyCpuPresent(MapSymbol map, Action loadKey, Reg cpu, Label present) =>
        EmitForEachCpuSlot(map, loadKey, cpu, "present", _ =>
        {
            Asm.Load(Size.U64, Reg.R1, Reg.R0, (short)map.PresentOffset);
            Asm.JumpIf(JumpOp.Ne, Reg.R1, 0, present);
        });

    /// <summary>Zeroes the first <paramref name="size"/> bytes of every CPU's slot of the element whose key <paramref name="loadKey"/> puts in r2.</summary>
    private void EmitZeroAllCpus(MapSymbol map, Action loadKey, Reg cpu, int size) =>
        EmitForEachCpuSlot(map, loadKey, cpu, "zero_slot", _ =>
        {
            for (var i = 0; i < size; i += 8)
                Asm.StoreImm(Size.U64, Reg.R0, (short)i, 0);
        });

    /// <summary>
    /// Runs <paramref name="body"/> with r0 pointing at each possible CPU's slot of the element whose key
    /// <paramref name="loadKey"/> puts in r2 (<c>bpf_map_lookup_percpu_elem</c>), and <paramref name="missing"/> (if
    /// given) for a CPU without one, both after <paramref name="afterLookup"/> (if given; it must keep r0);
    /// <paramref name="cpu"/> (callee-saved) counts the CPUs. The body may jump to the label passed to it, the next
    /// CPU. The bound is a constant the verifier follows.
    /// </summary>
    private void EmitForEachCpuSlot(MapSymbol map, Action loadKey, Reg cpu, string labelHint, Action<Label> body, Action? missing = null,
        Action? afterLookup = null)
    {
        var loop = Asm.NewLabel(labelHint + "_cpu");
        var next = Asm.NewLabel(labelHint + "_next_cpu");
        var noSlot = missing is null ? next : Asm.NewLabel(labelHint + "_no_slot");
        Asm.Mov(cpu, 0);
        Asm.Mark(loop);
        Asm.LoadMapFd(Reg.R1, _maps.For(map));
        loadKey();
        Asm.Mov(Reg.R3, cpu);
        Asm.Call(HelperFunction.MapLookupPercpuElem);
        afterLookup?.Invoke();
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, noSlot);
        body(next);
        if (missing is not null)
        {
            Asm.Jump(next);
            Asm.Mark(noSlot);
            missing();
        }
        Asm.Mark(next);
        Asm.Alu(AluOp.Add, cpu, 1);
        Asm.JumpIf(JumpOp.Lt, cpu, BpfMap.PossibleCpuCount, loop);
    }

    /// <summary>
    /// <c>@m[i] = f(x)</c>: this CPU's slot of element i is updated and marked present. An index outside the array
    /// (see <see cref="ClampArrayIndex"/>) finds no slot: the update is dropped and counted, like a full map's.
    /// </summary>
    private void EmitArrayAggregate(BoundAggregate s, int argument)
    {
        var function = Builtins.Aggregations.AggregationFunction.For(s.Type);
        var found = Asm.NewLabel("found");
        var done = Asm.NewLabel("done");
        var key = EmitKey(s.Map, s.Keys);
        CallMap(HelperFunction.MapLookupElem, s.Map, key);
        Asm.JumpIf(JumpOp.Ne, Reg.R0, 0, found);
        Asm.Mov(Reg.R0, -1);
        CountDroppedUpdate(s.Map);
        Asm.Jump(done);
        Asm.Mark(found);
        Asm.StoreImm(Size.U64, Reg.R0, (short)s.Map.PresentOffset, 1);
        if (s.Argument is not null)
            Asm.Load(Size.U64, Reg.R2, Reg.R10, (short)argument);
        function.EmitUpdate(Asm);
        Asm.Mark(done);
    }

    /// <summary><c>delete(@m[i])</c>, <c>delete(@x)</c>: every CPU's slot of the element is zeroed, "present" included.</summary>
    private void EmitArrayDelete(MapSymbol map, IReadOnlyList<BoundExpression> keys) => Scoped(() =>
    {
        var key = EmitKey(map, keys);
        EmitZeroAllCpus(map, () => FramePointer(Reg.R2, key), Reg.R7, map.StoredValueSize);
    });

    /// <summary><c>clear(@m)</c>: a walk of the array whose callback zeroes every CPU's slot of each element.</summary>
    private void EmitArrayClear(MapSymbol map)
    {
        if (!_arrayClearCallbacks.TryGetValue(map, out var callback))
        {
            _arrayClearCallbacks[map] = callback = Asm.NewLabel("array_clear_callback");
            _subprograms.Add((callback, () =>
            {
                // r2 = the element's key, kept in r6 across the helper calls.
                Asm.Mov(Reg.R6, Reg.R2);
                EmitZeroAllCpus(map, () => Asm.Mov(Reg.R2, Reg.R6), Reg.R7, map.StoredValueSize);
                Asm.Mov(Reg.R0, 0);
                Asm.Exit();
            }));
        }
        EmitMapWalk(map, callback);
    }

    /// <summary><c>has_key(@m, i)</c> of a per-CPU array: r0 = 1 when some CPU's slot of element i is present.</summary>
    internal void EmitArrayHasKey(MapSymbol map, IReadOnlyList<BoundExpression> keys) => Scoped(() =>
    {
        var key = EmitKey(map, keys);
        var present = Asm.NewLabel("has_key_present");
        var end = Asm.NewLabel("has_key_end");
        EmitAnyCpuPresent(map, () => FramePointer(Reg.R2, key), Reg.R7, present);
        Asm.Mov(Reg.R0, 0);
        Asm.Jump(end);
        Asm.Mark(present);
        Asm.Mov(Reg.R0, 1);
        Asm.Mark(end);
    });

    /// <summary><c>len(@m)</c> of a per-CPU array: a walk whose callback counts the present elements in a stack slot.</summary>
    internal void EmitArrayLen(MapSymbol map) => Scoped(() =>
    {
        var label = ArrayLenCallback(map);
        var count = Allocate(8);
        Asm.StoreImm(Size.U64, Reg.R10, (short)count, 0);
        EmitMapWalk(map, label, () => FramePointer(Reg.R3, count));
        Asm.Load(Size.U64, Reg.R0, Reg.R10, (short)count);
    });

    private Label ArrayLenCallback(MapSymbol map)
    {
        if (_arrayLenCallbacks.TryGetValue(map, out var existing))
            return existing;
        var callback = _arrayLenCallbacks[map] = Asm.NewLabel("array_len_callback");
        _subprograms.Add((callback, () =>
        {
            // r2 = the element's key (kept in r6), r3 = its value, r4 = the counter on the probe's stack (in r8).
            var absent = Asm.NewLabel("array_len_absent");
            var present = Asm.NewLabel("array_len_present");
            Asm.Mov(Reg.R6, Reg.R2);
            Asm.Mov(Reg.R8, Reg.R4);
            EmitAnyCpuPresent(map, () => Asm.Mov(Reg.R2, Reg.R6), Reg.R7, present);
            Asm.Jump(absent);
            Asm.Mark(present);
            Asm.Load(Size.U64, Reg.R1, Reg.R8, 0);
            Asm.Alu(AluOp.Add, Reg.R1, 1);
            Asm.Store(Size.U64, Reg.R8, 0, Reg.R1);
            Asm.Mark(absent);
            Asm.Mov(Reg.R0, 0);
            Asm.Exit();
        }));
        return callback;
    }
}
