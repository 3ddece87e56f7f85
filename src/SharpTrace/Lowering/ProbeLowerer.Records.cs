using SharpTrace.Bpf;
using SharpTrace.Records;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>
/// The records a probe sends to user space (printf, exit, print's map snapshots, and through builtins' hooks time,
/// cat, system and join): each laid out as its action's <see cref="Records.RecordLayout"/> says, the action id first
/// (print's as <see cref="PrintSnapshot"/> says).
/// </summary>
internal sealed partial class ProbeLowerer
{
    /// <summary>
    /// Builds a record on the stack, the action id and then each argument where the layout puts it (the padding
    /// after a field zeroed), and sends it to the ring buffer.
    /// </summary>
    public void LowerRecord(int actionId, IReadOnlyList<BoundExpression> arguments)
    {
        var action = _records[actionId];
        var record = Ir.NewSlot(action.Size);
        Ir.Store(new SlotAddress(record), 8, new Imm(actionId));
        for (var i = 0; i < arguments.Count; i++)
        {
            var (offset, size) = action.Layout.Fields[i];
            // A value goes in as the reader decodes the field: a tuple wider than the argument's takes its layout.
            if (i < action.FieldTypes.Count && action.FieldTypes[i] is BpfType target)
                LowerAs(arguments[i], target, record, offset, padStrings: false);
            else
                LowerInto(arguments[i], record, offset, size, padStrings: false);
            Ir.Zero(record, offset + size, Align8(size) - size);
        }
        Ir.Emit(new OutputOp(action, new StackAddress(record), action.Size));
    }

    /// <summary>
    /// <c>printf</c> to an iterator's seq_file: the format and the arguments' 64-bit words (a string's word is its
    /// address on the stack) for <c>bpf_seq_printf(ctx->meta->seq, …)</c>.
    /// </summary>
    private void LowerSeqPrintf(BoundSeqPrintf printf)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(printf.Format + "\0");
        var format = Ir.NewSlot(Align8(bytes.Length));
        Ir.Fill(format, 0, bytes);
        Operand data = new Imm(0);
        if (printf.Arguments.Count > 0)
        {
            var words = Ir.NewSlot(8 * printf.Arguments.Count);
            for (var i = 0; i < printf.Arguments.Count; i++)
            {
                var argument = printf.Arguments[i];
                Operand word;
                if (argument.Type is StringType text)
                {
                    var slot = Ir.NewSlot(Align8(text.Size + 1));
                    LowerInto(argument, slot, 0, text.Size, padStrings: true);
                    Ir.Zero(slot, text.Size, Align8(text.Size + 1) - text.Size);
                    word = new StackAddress(slot);
                }
                else
                    word = LowerScalar(argument);
                Ir.Store(new SlotAddress(words, 8 * i), 8, word);
            }
            data = new StackAddress(words);
        }
        var meta = Ir.Load(new PointerAddress(Ir.Context, 0), IrInt.U64);
        var seq = Ir.Load(new PointerAddress(meta, 0), IrInt.U64);
        Ir.CallVoid(HelperFunction.SeqPrintf, seq, new StackAddress(format), new Imm(bytes.Length), data, new Imm(8 * printf.Arguments.Count));
    }

    /// <summary>
    /// A record larger than the stack (join()'s): reserved in the ring buffer, the action id written, then
    /// <paramref name="fill"/> writes the rest through the record's address (the register it is handed), and the
    /// record is submitted. When the buffer has no room, the record is counted as lost and nothing is filled.
    /// </summary>
    public void LowerReservedRecord(int actionId, Action<VReg> fill)
    {
        var action = _records[actionId];
        var done = Ir.NewLabel("record_done");
        var record = Ir.NewRegister();
        Ir.Emit(new ReserveOp(record, action, action.Size));
        Ir.Branch(IrCondition.Eq, record, new Imm(0), done);
        Ir.Store(new PointerAddress(record), 8, new Imm(actionId));
        fill(record);
        Ir.Emit(new SubmitOp(record));
        Ir.Mark(done);
    }

    /// <summary>
    /// A record built in a map value (<paramref name="data"/>, not null; the action id written by the caller) and sent
    /// with its first <paramref name="size"/> bytes, a size the verifier can bound by the value's.
    /// </summary>
    public void LowerOutputFrom(int actionId, VReg data, VReg size) => Ir.Emit(new OutputBufferOp(_records[actionId], data, size));

    /// <summary><c>print(value)</c>: the value in a record of its own, laid out as its action's type.</summary>
    private void LowerPrintValue(BoundPrintValue s) => LowerRecord(s.Action, [s.Value]);

    /// <summary>exit(): the program's exit record (with the code, for exit(code)), then the probe ends.</summary>
    private void LowerExit(BoundExit exit)
    {
        if (exit.Code is { } code)
            LowerRecord(exit.CodeAction, [code]);
        else
            LowerRecord(_records.Values.First(r => r.Kind == "exit" && r.Layout.Fields.Count == 0).Id, []);
        // Set after the record: an exit record the ring buffer refuses is itself counted lost.
        Ir.Store(new PointerAddress(Ir.InRegister(new MapValueAddress(_builtins.ExitFlagMap()))), 8, new Imm(1));
        LeaveProbe();
    }

    // print(@m)'s walk context, on the probe's stack; the callback reads and updates it through its fourth argument.
    private const int WalkAction = 0;
    private const int WalkTag = 8;
    private const int WalkCpu = 16;
    private const int WalkVisited = 24;
    private const int WalkLost = 32;
    private const int WalkContextSize = 40;

    /// <summary>
    /// <c>print(@m)</c> snapshots the map in the kernel, at the call, so that a later clear(), zero(), delete() or
    /// update in the same probe does not change what is printed (records laid out as <see cref="PrintSnapshot"/> says).
    /// The header record is reserved first and held during the walk: the ring buffer hands records to user space in
    /// reservation order, so the header (submitted after the walk, with the number of entries visited and lost)
    /// reaches user space before the entries, which then know exactly how many to wait for. Without room for the
    /// header nothing is walked; an entry without room is counted lost by its reservation, and in the header.
    /// </summary>
    private void LowerPrintMap(BoundPrintMap s)
    {
        var map = MapOf(s.Map);
        var action = _records[s.Action];
        // Top and div computed at run time are evaluated before the walk and written into the header.
        var limits = s is { Top: { } topValue, Div: { } divValue } ? (Top: LowerScalar(topValue), Div: LowerScalar(divValue)) : default;
        var headerSize = s.Top is null ? PrintSnapshot.HeaderSize : PrintSnapshot.HeaderWithLimitsSize;
        var walk = Ir.NewSlot(WalkContextSize);
        Ir.Store(new SlotAddress(walk, WalkAction), 8, new Imm(s.Action));
        Ir.Store(new SlotAddress(walk, WalkCpu), 4, Ir.Call(HelperFunction.GetSmpProcessorId));
        // The verifier checks a callback like a loop, until the states it sees at the call repeat: counters that
        // start at a known 0 never repeat, so both start at the tag (a time the verifier cannot know) and the header
        // gets their distance from it.
        var tag = Ir.Call(HelperFunction.KtimeGetNs);
        Ir.Store(new SlotAddress(walk, WalkTag), 8, tag);
        Ir.Store(new SlotAddress(walk, WalkVisited), 8, tag);
        Ir.Store(new SlotAddress(walk, WalkLost), 8, tag);

        var done = Ir.NewLabel("print_done");
        var header = Ir.NewRegister();
        Ir.Emit(new ReserveOp(header, action, headerSize));
        Ir.Branch(IrCondition.Eq, header, new Imm(0), done);
        Ir.Emit(new MapWalkOp(null, map, PrintCallback(s.Map, map, action), new StackAddress(walk)));
        WriteSnapshotStart(Ir, header, offset => new SlotAddress(walk, offset), PrintSnapshot.HeaderKind);
        var start = Ir.Load(new SlotAddress(walk, WalkTag), IrInt.U64);
        Ir.Store(new PointerAddress(header, PrintSnapshot.VisitedOffset), 8,
            Ir.Binary(IrBinaryOp.Sub, Ir.Load(new SlotAddress(walk, WalkVisited), IrInt.U64), start));
        Ir.Store(new PointerAddress(header, PrintSnapshot.LostOffset), 8,
            Ir.Binary(IrBinaryOp.Sub, Ir.Load(new SlotAddress(walk, WalkLost), IrInt.U64), start));
        if (s.Top is not null)
        {
            Ir.Store(new PointerAddress(header, PrintSnapshot.TopOffset), 8, limits.Top);
            Ir.Store(new PointerAddress(header, PrintSnapshot.DivOffset), 8, limits.Div);
        }
        Ir.Emit(new SubmitOp(header));
        Ir.Mark(done);
    }

    /// <summary>Action id, snapshot tag, CPU (copied from the walk's context, <paramref name="context"/> gives its places) and record kind.</summary>
    private static void WriteSnapshotStart(IrBuilder ir, VReg record, Func<int, Address> context, int kind)
    {
        ir.Store(new PointerAddress(record, PrintSnapshot.ActionOffset), 8, ir.Load(context(WalkAction), IrInt.U64));
        ir.Store(new PointerAddress(record, PrintSnapshot.TagOffset), 8, ir.Load(context(WalkTag), IrInt.U64));
        ir.Store(new PointerAddress(record, PrintSnapshot.CpuOffset), 4, ir.Load(context(WalkCpu), IrInt.U32));
        ir.Store(new PointerAddress(record, PrintSnapshot.KindOffset), 4, new Imm(kind));
    }

    /// <summary>
    /// The walk's callback (map, key, value, context), one per map whatever prints it (the action id comes from the
    /// context). Sends one entry record: the key, then the value, or for per-CPU maps (which hand over this CPU's
    /// slot only) every CPU's slot in CPU order, as a lookup from user space returns them; a CPU without a slot
    /// sends zeroes.
    /// </summary>
    private IrCallback PrintCallback(MapSymbol symbol, LoweredMap map, LoweredRecord action) =>
        Callback("print_callback", "print " + map.Ref.Name, 4, (ir, p) =>
        {
            var (key, value, context) = (p[1], p[2], p[3]);
            var entry = PrintSnapshot.Entry(symbol.StoredKeySize, symbol.StoredValueSize, symbol.IsAggregation);
            void Increment(int offset) =>
                ir.Store(new PointerAddress(context, offset), 8, ir.Binary(IrBinaryOp.Add, ir.Load(new PointerAddress(context, offset), IrInt.U64), new Imm(1)));

            Increment(WalkVisited);
            var record = ir.NewRegister();
            var reserved = ir.NewLabel("entry_reserved");
            ir.Emit(new ReserveOp(record, action, entry.Size));
            ir.Branch(IrCondition.Ne, record, new Imm(0), reserved);
            Increment(WalkLost);
            ir.Return(new Imm(0));

            ir.Mark(reserved);
            WriteSnapshotStart(ir, record, offset => new PointerAddress(context, offset), PrintSnapshot.EntryKind);
            if (symbol.IsPerCpuArray)
                // The u32 index, widened so the values stay 8-byte aligned in the record.
                ir.Store(new PointerAddress(record, entry.KeyOffset), 8, ir.Load(new PointerAddress(key), IrInt.U32));
            else
                ir.Copy(new PointerAddress(record, entry.KeyOffset), new PointerAddress(key), entry.KeyBytes);
            if (!symbol.IsAggregation)
                ir.Copy(new PointerAddress(record, entry.ValueOffset), new PointerAddress(value), entry.Slot);
            else
                CopyEveryCpuSlot(ir, map, key, record, entry);
            ir.Emit(new SubmitOp(record));
            ir.Return(new Imm(0));
        });

    /// <summary>Each possible CPU's slot of the value under <paramref name="key"/> into the entry record, in CPU order (zeroes for a CPU without one).</summary>
    private static void CopyEveryCpuSlot(IrBuilder ir, LoweredMap map, VReg key, VReg record, PrintSnapshot.EntryLayout entry)
    {
        var cpu = ir.NewRegister();
        var head = ir.NewLabel("print_cpu");
        var missing = ir.NewLabel("print_no_slot");
        var next = ir.NewLabel("print_next_cpu");
        ir.Emit(new MoveOp(cpu, new Imm(0)));
        ir.Mark(head);
        var slot = ir.NewRegister();
        ir.Emit(new MapLookupPerCpuOp(slot, map, key, cpu));
        var place = ir.InRegister(ir.Binary(IrBinaryOp.Add, record, ir.Binary(IrBinaryOp.Mul, cpu, new Imm(entry.Slot))));
        ir.Branch(IrCondition.Eq, slot, new Imm(0), missing);
        ir.Copy(new PointerAddress(place, entry.ValueOffset), new PointerAddress(slot), entry.Slot);
        ir.Goto(next);
        ir.Mark(missing);
        for (var i = 0; i < entry.Slot; i += 8)
            ir.Store(new PointerAddress(place, entry.ValueOffset + i), 8, new Imm(0));
        ir.Mark(next);
        ir.Emit(new NextCpuOp(cpu, head));
    }
}
