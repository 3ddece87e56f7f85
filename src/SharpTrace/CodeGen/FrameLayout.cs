using SharpTrace.Lowering;

namespace SharpTrace.CodeGen;

/// <summary>Slots to keep in entry <see cref="Entry"/> of the scratch map instead of the stack.</summary>
internal sealed record ScratchEntry(int Entry, IReadOnlySet<Slot> Slots);

/// <summary>
/// Slots to keep in the scratch map instead of the stack, in one entry or, when they need more than an entry holds,
/// several (each looked up once, its pointer kept in a stack slot of its own).
/// </summary>
internal sealed record ScratchRequest(LoweredMap Map, IReadOnlyList<ScratchEntry> Entries)
{
    public ScratchRequest(LoweredMap map, int entry, IReadOnlySet<Slot> slots) : this(map, [new ScratchEntry(entry, slots)]) { }
}

/// <summary>
/// Where a function's values live: registers, spill slots, the counter key, each slot's offset from r10 or in the
/// function's scratch entry. With scratch slots the function starts by looking its entry up (key and pointer share
/// one stack slot) and returns 0 if it is missing, which the kernel requires checking; code that names a scratch
/// slot loads the pointer from that stack slot.
/// </summary>
internal sealed record FrameLayout(
    IrFunction Function,
    IrLiveness Liveness,
    RegisterAssignment Registers,
    Dictionary<VReg, Slot> Spills,
    Slot? CounterKey,
    Dictionary<Slot, int> Offsets,
    int FrameSize,
    Dictionary<Slot, int> ScratchOffsets,
    int ScratchSize,
    Dictionary<Slot, Slot> ScratchPointers)
{
    public static FrameLayout Of(IrFunction function, IReadOnlyList<VReg>? parameters, ScratchRequest? scratch)
    {
        var pointers = new Dictionary<Slot, Slot>();
        if (scratch is not null)
            (function, pointers) = WithScratchLookup(function, parameters, scratch);
        var liveness = new IrLiveness(function, parameters);
        var registers = RegisterAllocator.Allocate(liveness);
        var slots = new Dictionary<Slot, LiveInterval>(liveness.Slots);
        var spills = new Dictionary<VReg, Slot>();
        var nextSlot = function.Slots.Count;
        foreach (var spilled in registers.Spilled)
        {
            var slot = new Slot(nextSlot++, 8);
            spills[spilled] = slot;
            slots[slot] = liveness.Registers[spilled];
        }
        // The key of the lost-events and dropped-updates counters, written right before each use.
        Slot? counterKey = null;
        if (function.Ops.Any(CountsFailures))
        {
            counterKey = new Slot(nextSlot, 8);
            foreach (var position in Enumerable.Range(0, function.Ops.Count).Where(i => CountsFailures(function.Ops[i])))
                slots[counterKey] = slots.TryGetValue(counterKey, out var l) ? l.Extend(position) : new(position, position);
        }
        var (offsets, size) = FrameAllocator.Allocate(slots.Where(p => !pointers.ContainsKey(p.Key)).ToDictionary());
        var scratchOffsets = new Dictionary<Slot, int>();
        var scratchSize = 0;
        foreach (var entry in scratch?.Entries ?? [])
        {
            var (entryOffsets, entrySize) = FrameAllocator.Allocate(slots.Where(p => entry.Slots.Contains(p.Key)).ToDictionary());
            // Offsets counted down from the end of the entry become offsets from its start.
            foreach (var (slot, offset) in entryOffsets)
                scratchOffsets[slot] = offset + entrySize;
            scratchSize = Math.Max(scratchSize, entrySize);
        }
        return new FrameLayout(function, liveness, registers, spills, counterKey, offsets, size, scratchOffsets, scratchSize, pointers);
    }

    /// <summary>Operations whose failures go to a counter (dropped updates, lost records): they need the counter's key slot.</summary>
    public static bool CountsFailures(IrOp op) => op is MapUpdateOp or OutputOp or OutputBufferOp or ReserveOp or DroppedUpdateOp;

    /// <summary>
    /// The function preceded by, for each entry: pointer = entry index (as the u32 key); %p = lookup(scratch,
    /// &amp;pointer); if %p is null return 0; pointer = %p. Being IR, the lookup is a call the register allocator sees:
    /// values live across it (the arguments) move to callee-saved registers. Each scratch slot maps to its entry's
    /// pointer slot.
    /// </summary>
    private static (IrFunction, Dictionary<Slot, Slot>) WithScratchLookup(IrFunction function, IReadOnlyList<VReg>? parameters, ScratchRequest scratch)
    {
        var registers = Math.Max(function.RegisterCount, (parameters ?? [function.Context]).Select(p => p.Id + 1).DefaultIfEmpty(0).Max());
        var slots = new List<Slot>(function.Slots);
        var lookups = new List<IrOp>();
        var pointers = new Dictionary<Slot, Slot>();
        foreach (var request in scratch.Entries)
        {
            var pointer = new Slot(slots.Count, 8) { LivesThroughout = true };
            slots.Add(pointer);
            var entry = new VReg(registers++);
            var found = new IrLabel(-1 - lookups.Count, "scratch_found");
            lookups.AddRange(
            [
                new StoreOp(new SlotAddress(pointer), 4, new Imm(request.Entry)),
                new MapLookupOp(entry, scratch.Map, new StackAddress(pointer)),
                new BranchOp(IrCondition.Ne, entry, new Imm(0), found),
                new ReturnOp(new Imm(0)),
                new MarkOp(found),
                new StoreOp(new SlotAddress(pointer), 8, entry),
            ]);
            foreach (var slot in request.Slots)
                pointers[slot] = pointer;
        }
        return (function with { Ops = [.. lookups, .. function.Ops], RegisterCount = registers, Slots = slots }, pointers);
    }
}
