using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Sum))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary><c>sum(x)</c>: the total of its arguments.</summary>
internal sealed class Sum : AggregationFunction
{
    public override AggregationKind Kind => AggregationKind.Sum;


    public override void LowerUpdate(IrBuilder ir, Address slot, Operand value) => LowerAdd(ir, slot, value);

    public override void LowerFirst(IrBuilder ir, Slot slot, Operand value) => ir.Store(new SlotAddress(slot), 8, value);

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) => new SumValue(First(slot));
}
