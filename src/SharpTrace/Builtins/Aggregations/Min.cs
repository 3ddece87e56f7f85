using SharpTrace.CodeGen.Bpf;
using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Builtins.Aggregations;

/// <summary>
/// <c>min(x)</c>: the smaller of its (signed) arguments. The slot is (value, is-set): a CPU that never ran it holds
/// no value, so a zero there does not win when CPUs are combined.
/// </summary>
internal sealed class Min : AggregationFunction
{
    public override AggregationKind Kind => AggregationKind.Min;

    internal override void EmitUpdate(Assembler asm)
    {
        var store = asm.NewLabel("min_store");
        var done = asm.NewLabel("min_done");
        asm.Load(Size.U64, Reg.R1, Reg.R0, 8);
        asm.JumpIf(JumpOp.Eq, Reg.R1, 0, store);
        asm.Load(Size.U64, Reg.R1, Reg.R0, 0);
        asm.JumpIf(JumpOp.Slt, Reg.R2, Reg.R1, store);
        asm.Jump(done);
        asm.Mark(store);
        asm.Store(Size.U64, Reg.R0, 0, Reg.R2);
        asm.StoreImm(Size.U64, Reg.R0, 8, 1);
        asm.Mark(done);
    }

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) =>
        Second(slot) == 0 ? null : new MinValue(First(slot));

    internal override RuntimeValue Unset => new MinValue(0);
}
