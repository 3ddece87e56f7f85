using SharpTrace.Bpf;
using SharpTrace.Lowering;

namespace SharpTrace.CodeGen;

internal sealed partial class IrTranslator
{
    /// <summary>
    /// An interval's guard (<see cref="ClaimPeriodOp"/>), in r0-r5 only: now = bpf_ktime_get_ns(); the first run stores
    /// its time (compare-and-exchange from 0, so one CPU sets it); the period number is (now - first + period / 2) /
    /// period + 1; the run goes on only if it moves the last claimed number up to it, by a compare-and-exchange (tried
    /// again once if another CPU moved it to an earlier period meanwhile).
    /// </summary>
    private void EmitClaimPeriod(ClaimPeriodOp o)
    {
        var skip = LabelOf(o.Skip);
        var anchored = Asm.NewLabel("anchored");
        var claimed = Asm.NewLabel("claimed");
        Asm.Call(HelperFunction.KtimeGetNs);
        Asm.Mov(Reg.R3, Reg.R0);
        Asm.LoadMapValue(Reg.R2, o.State.Map.Ref, o.State.Offset);
        Asm.Load(Size.U64, Reg.R0, Reg.R2, 0);
        Asm.JumpIf(JumpOp.Ne, Reg.R0, 0, anchored);
        Asm.AtomicCompareExchange(Reg.R2, 0, Reg.R3);
        Asm.JumpIf(JumpOp.Ne, Reg.R0, 0, anchored);
        Asm.Mov(Reg.R0, Reg.R3);
        Asm.Mark(anchored);
        // A CPU that read the clock before another stored the first time runs in that first period: the other has it.
        Asm.JumpIf(JumpOp.Gt, Reg.R0, Reg.R3, skip);
        Asm.Alu(AluOp.Sub, Reg.R3, Reg.R0);
        AluConstant(AluOp.Add, Reg.R3, o.PeriodNanoseconds / 2, Reg.R4);
        AluConstant(AluOp.Div, Reg.R3, o.PeriodNanoseconds, Reg.R4);
        Asm.Alu(AluOp.Add, Reg.R3, 1);
        Asm.Load(Size.U64, Reg.R0, Reg.R2, 8);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            Asm.JumpIf(JumpOp.Ge, Reg.R0, Reg.R3, skip);
            Asm.Mov(Reg.R4, Reg.R0);
            Asm.AtomicCompareExchange(Reg.R2, 8, Reg.R3);
            Asm.JumpIf(JumpOp.Eq, Reg.R0, Reg.R4, claimed);
        }
        Asm.Jump(skip);
        Asm.Mark(claimed);
    }

    private void AluConstant(AluOp op, Reg dst, long value, Reg scratch)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            Asm.Alu(op, dst, (int)value);
            return;
        }
        Asm.LoadImm64(scratch, value);
        Asm.Alu(op, dst, scratch);
    }
}
