using SharpTrace.Kernel;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Usermode))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>usermode</c>: 1 when the probe interrupted user mode, else 0, a uint8, as the newest bpftrace defines it on
/// x86-64: the low two bits of the interrupted <c>cs</c> (pt_regs in kprobes, uprobes and usdt; the perf event's
/// registers in profile, interval, software and hardware probes). Probes without registers get a constant, as the
/// reference folds it: 1 in BEGIN and END (our own process, in user mode), 0 elsewhere.
/// </summary>
internal sealed class Usermode : BuiltinVariable
{
    /// <summary>Where x86-64's struct pt_regs keeps cs (after r15..di, orig_ax and ip).</summary>
    private const short CodeSegmentOffset = 136;

    public override string Name => "usermode";
    public override BpfType Type { get; } = new IntegerType(1, false);

    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var kind = lowering.Probe.Kind;
        if (kind.Name is "begin" or "end")
            return new Imm(1);
        if (kind.ProgramType is not (BpfProgramType.Kprobe or BpfProgramType.PerfEvent))
            return new Imm(0);
        var ir = lowering.Ir;
        var privilege = ir.Binary(IrBinaryOp.And, ir.Load(new PointerAddress(ir.Context, CodeSegmentOffset), IrInt.U64), new Imm(3));
        // (cs & 3) == 3 as 1 or 0: ((cs & 3) + 1) >> 2.
        return ir.Binary(IrBinaryOp.Shr, ir.Binary(IrBinaryOp.Add, privilege, new Imm(1)), new Imm(2));
    }
}
