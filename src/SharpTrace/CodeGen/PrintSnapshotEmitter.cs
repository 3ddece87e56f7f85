using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Records;
using SharpTrace.Semantics;

namespace SharpTrace.CodeGen;

/// <summary>
/// <c>print(@m)</c> snapshots the map in the kernel, at the call, so that a later clear(), zero(), delete() or update
/// in the same probe does not change what is printed. The layout of the records is <see cref="PrintSnapshot"/>'s.
/// </summary>
internal sealed partial class ProbeEmitter
{
    private readonly Dictionary<MapSymbol, Label> _printCallbacks = [];

    // The walk's context, on the probe's stack; the callback reads and updates it through its fourth argument.
    private const int WalkAction = 0;
    private const int WalkTag = 8;
    private const int WalkCpu = 16;
    private const int WalkVisited = 24;
    private const int WalkLost = 32;
    private const int WalkContextSize = 40;

    /// <summary>
    /// Reserves the snapshot's header record first and holds it during the walk: the ring buffer hands records to
    /// user space in reservation order, so the header (submitted after the walk, with the number of entries visited
    /// and lost) reaches user space before the entries, which then know exactly how many to wait for.
    /// If there is no room for the header, nothing is walked and one lost event is counted.
    /// </summary>
    private void EmitPrintSnapshot(BoundPrintMap s)
    {
        var map = s.Map;
        if (!_printCallbacks.TryGetValue(map, out var callback))
        {
            _printCallbacks[map] = callback = Asm.NewLabel("print_callback");
            _subprograms.Add((callback, () => EmitPrintCallback(map)));
        }
        var walk = Allocate(WalkContextSize);
        Asm.StoreImm(Size.U64, Reg.R10, (short)(walk + WalkAction), s.Action);
        Asm.Call(HelperFunction.GetSmpProcessorId);
        ZeroExtend32(Reg.R0);
        Asm.Store(Size.U64, Reg.R10, (short)(walk + WalkCpu), Reg.R0);
        // The verifier checks a callback like a loop, until the states it sees at the call repeat: counters that
        // start at a known 0 never repeat, so both start at the tag (a time the verifier cannot know) and the
        // header gets their distance from it.
        Asm.Call(HelperFunction.KtimeGetNs);
        Asm.Store(Size.U64, Reg.R10, (short)(walk + WalkTag), Reg.R0);
        Asm.Store(Size.U64, Reg.R10, (short)(walk + WalkVisited), Reg.R0);
        Asm.Store(Size.U64, Reg.R10, (short)(walk + WalkLost), Reg.R0);

        var done = Asm.NewLabel("print_done");
        EmitReserveOrCountLost(PrintSnapshot.HeaderSize, "print_header", done);
        Asm.Mov(Reg.R7, Reg.R0); // callee-saved: survives the walk

        EmitMapWalk(map, callback, () => FramePointer(Reg.R3, walk));

        WriteRecordStart(Reg.R7, Reg.R10, walk, PrintSnapshot.HeaderKind);
        Asm.Load(Size.U64, Reg.R2, Reg.R10, (short)(walk + WalkTag));
        Asm.Load(Size.U64, Reg.R1, Reg.R10, (short)(walk + WalkVisited));
        Asm.Alu(AluOp.Sub, Reg.R1, Reg.R2);
        Asm.Store(Size.U64, Reg.R7, PrintSnapshot.VisitedOffset, Reg.R1);
        Asm.Load(Size.U64, Reg.R1, Reg.R10, (short)(walk + WalkLost));
        Asm.Alu(AluOp.Sub, Reg.R1, Reg.R2);
        Asm.Store(Size.U64, Reg.R7, PrintSnapshot.LostOffset, Reg.R1);
        Asm.Mov(Reg.R8, Reg.R1); // the lost entries, counted below
        Asm.Mov(Reg.R1, Reg.R7);
        Asm.Mov(Reg.R2, 0);
        Asm.Call(HelperFunction.RingbufSubmit);

        // Entries the ring buffer had no room for go to the lost-events counter, like any lost record.
        Asm.JumpIf(JumpOp.Eq, Reg.R8, 0, done);
        var key = Allocate(4);
        Asm.StoreImm(Size.U32, Reg.R10, (short)key, 0);
        Asm.LoadMapFd(Reg.R1, _maps.LostEvents);
        FramePointer(Reg.R2, key);
        Asm.Call(HelperFunction.MapLookupElem);
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, done);
        Asm.AtomicAdd(Size.U64, Reg.R0, 0, Reg.R8);
        Asm.Mark(done);
    }

    /// <summary>Action id, snapshot tag, CPU and record kind, copied from the walk's context at <c>[context + offset]</c>.</summary>
    private void WriteRecordStart(Reg record, Reg context, int offset, int kind)
    {
        Asm.Load(Size.U64, Reg.R1, context, (short)(offset + WalkAction));
        Asm.Store(Size.U64, record, PrintSnapshot.ActionOffset, Reg.R1);
        Asm.Load(Size.U64, Reg.R1, context, (short)(offset + WalkTag));
        Asm.Store(Size.U64, record, PrintSnapshot.TagOffset, Reg.R1);
        Asm.Load(Size.U32, Reg.R1, context, (short)(offset + WalkCpu));
        Asm.Store(Size.U32, record, PrintSnapshot.CpuOffset, Reg.R1);
        Asm.StoreImm(Size.U32, record, PrintSnapshot.KindOffset, kind);
    }

    /// <summary>
    /// Callback arguments: r1 = map, r2 = key, r3 = value, r4 = the walk's context. Sends one entry record: the key,
    /// then the value, or for per-CPU maps (which hand over this CPU's slot only) every CPU's slot in CPU order,
    /// as a lookup from user space returns them. A CPU without a slot sends zeroes.
    /// </summary>
    private void EmitPrintCallback(MapSymbol map)
    {
        var entry = PrintSnapshot.Entry(map.StoredKeySize, map.StoredValueSize, map.IsAggregation);
        var (keySize, slot, cpus, size) = (entry.KeyBytes, entry.Slot, entry.Cpus, entry.Size);
        var reserved = Asm.NewLabel("entry_reserved");
        var end = Asm.NewLabel("entry_end");

        Asm.Mov(Reg.R6, Reg.R2);
        Asm.Mov(Reg.R7, Reg.R3);
        Asm.Mov(Reg.R8, Reg.R4);
        Asm.Load(Size.U64, Reg.R1, Reg.R8, WalkVisited);
        Asm.Alu(AluOp.Add, Reg.R1, 1);
        Asm.Store(Size.U64, Reg.R8, WalkVisited, Reg.R1);
        Asm.LoadMapFd(Reg.R1, _maps.RingBuffer);
        Asm.Mov(Reg.R2, size);
        Asm.Mov(Reg.R3, 0);
        Asm.Call(HelperFunction.RingbufReserve);
        Asm.JumpIf(JumpOp.Ne, Reg.R0, 0, reserved);
        Asm.Load(Size.U64, Reg.R1, Reg.R8, WalkLost);
        Asm.Alu(AluOp.Add, Reg.R1, 1);
        Asm.Store(Size.U64, Reg.R8, WalkLost, Reg.R1);
        Asm.Jump(end);

        Asm.Mark(reserved);
        Asm.Mov(Reg.R9, Reg.R0);
        WriteRecordStart(Reg.R9, Reg.R8, 0, PrintSnapshot.EntryKind);
        if (map.IsPerCpuArray)
        {
            // The u32 index, widened so the values stay 8-byte aligned in the record.
            Asm.Load(Size.U32, Reg.R3, Reg.R6, 0);
            Asm.Store(Size.U64, Reg.R9, (short)entry.KeyOffset, Reg.R3);
        }
        else
            CopyBetween(Reg.R6, Reg.R9, entry.KeyOffset, keySize);
        var values = entry.ValueOffset;
        if (!map.IsAggregation)
            CopyBetween(Reg.R7, Reg.R9, values, slot);
        else
        {
            // r7 counts the CPUs; r2 = this CPU's place in the record.
            EmitForEachCpuSlot(map, () => Asm.Mov(Reg.R2, Reg.R6), Reg.R7, "print",
                _ => CopyBetween(Reg.R0, Reg.R2, values, slot),
                missing: () =>
                {
                    for (var i = 0; i < slot; i += 8)
                        Asm.StoreImm(Size.U64, Reg.R2, (short)(values + i), 0);
                },
                afterLookup: () =>
                {
                    Asm.Mov(Reg.R2, Reg.R7);
                    Asm.Alu(AluOp.Mul, Reg.R2, slot);
                    Asm.Alu(AluOp.Add, Reg.R2, Reg.R9);
                });
        }
        Asm.Mov(Reg.R1, Reg.R9);
        Asm.Mov(Reg.R2, 0);
        Asm.Call(HelperFunction.RingbufSubmit);
        Asm.Mark(end);
        Asm.Mov(Reg.R0, 0);
        Asm.Exit();
    }

    /// <summary>Copies <paramref name="size"/> bytes (a multiple of 8) from <c>[src]</c> to <c>[dst + dstOffset]</c>, through r3.</summary>
    private void CopyBetween(Reg src, Reg dst, int dstOffset, int size)
    {
        for (var i = 0; i < size; i += 8)
        {
            Asm.Load(Size.U64, Reg.R3, src, (short)i);
            Asm.Store(Size.U64, dst, (short)(dstOffset + i), Reg.R3);
        }
    }
}
