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
    /// <summary>The signed condition under which the new value replaces the stored one.</summary>
    protected abstract IrCondition Beats { get; }

    protected abstract RuntimeValue Value(long value);

    public override void LowerUpdate(IrBuilder ir, Address slot, Operand value)
    {
        var store = ir.NewLabel(Name + "_store");
        var done = ir.NewLabel(Name + "_done");
        ir.Branch(IrCondition.Eq, ir.Load(At(slot, 8), IrInt.U64), new Imm(0), store);
        ir.Branch(IrBuilder.Negate(Beats), value, ir.Load(slot, IrInt.U64), done);
        ir.Mark(store);
        ir.Store(slot, 8, value);
        ir.Store(At(slot, 8), 8, new Imm(1));
        ir.Mark(done);
    }

    public override void LowerFirst(IrBuilder ir, Slot slot, Operand value) => LowerValueAndOne(ir, slot, value);

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) =>
        Second(slot) == 0 ? null : Value(First(slot));

    internal override RuntimeValue Unset => Value(0);
}
