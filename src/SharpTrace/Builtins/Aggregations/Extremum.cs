using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Builtins.Aggregations;

/// <summary>
/// <c>min(x)</c> and <c>max(x)</c>: keep the argument when it beats the stored one (signed). The slot is
/// (value, is-set): a CPU that never ran it holds no value, so a zero there does not win when CPUs are combined.
/// </summary>
internal abstract class Extremum : AggregationFunction
{
    /// <summary>The signed comparison under which the new value (r2) replaces the stored one (r1).</summary>
    protected abstract JumpOp Beats { get; }

    protected abstract RuntimeValue Value(long value);

    internal override void EmitUpdate(Assembler asm)
    {
        var name = Kind.ToString().ToLowerInvariant();
        var store = asm.NewLabel(name + "_store");
        var done = asm.NewLabel(name + "_done");
        asm.Load(Size.U64, Reg.R1, Reg.R0, 8);
        asm.JumpIf(JumpOp.Eq, Reg.R1, 0, store);
        asm.Load(Size.U64, Reg.R1, Reg.R0, 0);
        asm.JumpIf(Beats, Reg.R2, Reg.R1, store);
        asm.Jump(done);
        asm.Mark(store);
        asm.Store(Size.U64, Reg.R0, 0, Reg.R2);
        asm.StoreImm(Size.U64, Reg.R0, 8, 1);
        asm.Mark(done);
    }

    /// <summary>The signed condition under which the new value replaces the stored one.</summary>
    private IrCondition BeatsCondition => Beats == JumpOp.Sgt ? IrCondition.Sgt : IrCondition.Slt;

    public override void LowerUpdate(IrBuilder ir, Address slot, Operand value)
    {
        var store = ir.NewLabel(Name + "_store");
        var done = ir.NewLabel(Name + "_done");
        ir.Branch(IrCondition.Eq, ir.Load(At(slot, 8), IrInt.U64), new Imm(0), store);
        ir.Branch(IrBuilder.Negate(BeatsCondition), value, ir.Load(slot, IrInt.U64), done);
        ir.Mark(store);
        ir.Store(slot, 8, value);
        ir.Store(At(slot, 8), 8, new Imm(1));
        ir.Mark(done);
    }

    public override void LowerFirst(IrBuilder ir, Slot slot, Operand value)
    {
        ir.Store(new SlotAddress(slot), 8, value);
        ir.Store(new SlotAddress(slot, 8), 8, new Imm(1));
    }

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) =>
        Second(slot) == 0 ? null : Value(First(slot));

    internal override RuntimeValue Unset => Value(0);
}
