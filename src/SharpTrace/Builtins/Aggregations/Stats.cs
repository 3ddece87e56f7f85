using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Stats))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary><c>stats(x)</c>: slot (total, count), printed as count, average and total.</summary>
internal sealed class Stats : AggregationFunction
{
    public override AggregationKind Kind => AggregationKind.Stats;

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

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) => new StatsValue((ulong)Second(slot), First(slot));
}
