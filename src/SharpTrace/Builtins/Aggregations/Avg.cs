using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Avg))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary><c>avg(x)</c>: slot (total, count), printed as total / count.</summary>
internal sealed class Avg : AggregationFunction
{
    public override AggregationKind Kind => AggregationKind.Avg;

    internal override void EmitUpdate(Assembler asm)
    {
        EmitAddValue(asm);
        EmitIncrement(asm, 8);
    }

    public override void LowerUpdate(IrBuilder ir, Address slot, Operand value)
    {
        LowerAdd(ir, slot, value);
        LowerIncrement(ir, slot, 8);
    }

    public override void LowerFirst(IrBuilder ir, Slot slot, Operand value)
    {
        ir.Store(new SlotAddress(slot), 8, value);
        ir.Store(new SlotAddress(slot, 8), 8, new Imm(1));
    }

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) => new AvgValue(First(slot), (ulong)Second(slot));
}
