using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>
/// The records a probe sends to user space (printf, exit, and through builtins' hooks time, cat, system and join):
/// each laid out as its action's <see cref="Records.RecordLayout"/> says, the action id first.
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

    /// <summary>exit(): the program's exit record, then the probe ends.</summary>
    private void LowerExit()
    {
        LowerRecord(_records.Values.First(r => r.Kind == "exit").Id, []);
        LeaveProbe();
    }
}
