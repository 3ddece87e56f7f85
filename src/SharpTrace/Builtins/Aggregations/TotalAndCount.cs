using SharpTrace.Lowering;

namespace SharpTrace.Builtins.Aggregations;

/// <summary>
/// <c>avg(x)</c> and <c>stats(x)</c>: the slot is (total, count), updated alike; they differ in how they print it.
/// </summary>
internal abstract class TotalAndCount : AggregationFunction
{
    public override void LowerUpdate(IrBuilder ir, Address slot, Operand value)
    {
        LowerAdd(ir, slot, value);
        LowerIncrement(ir, slot, 8);
    }

    public override void LowerFirst(IrBuilder ir, Slot slot, Operand value) => LowerValueAndOne(ir, slot, value);
}
