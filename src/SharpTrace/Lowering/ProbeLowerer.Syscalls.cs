using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>Which raw syscall tracepoint a <c>syscalls</c> tracepoint's program runs on: <c>sys_enter</c> or <c>sys_exit</c>.</summary>
internal enum SyscallDirection { Enter, Exit }

/// <summary>
/// A <c>syscalls:sys_enter_NAME</c>/<c>sys_exit_NAME</c> program run on the raw <c>sys_enter</c>/<c>sys_exit</c>
/// tracepoint (x86-64), whose context is <c>(struct pt_regs *regs, long id)</c> or <c>(regs, long ret)</c>: the fields of
/// the tracepoint's format are read where the kernel takes them from when it fills the record a perf event's program
/// sees. The regs pointer in the first 8 bytes (the common fields' place), <c>__syscall_nr</c> (the raw <c>id</c>, or
/// <c>regs-&gt;orig_ax</c> at exit), the arguments from the registers <c>syscall_get_arguments</c> reads (di, si, dx,
/// r10, r8, r9) and <c>ret</c> (the raw <c>ret</c>, <c>regs-&gt;ax</c>).
/// </summary>
internal sealed partial class ProbeLowerer
{
    private const int RecordNumberOffset = 8;
    private const int RecordFirstArgumentOffset = 16;
    private const int OrigAxOffset = 120; // struct pt_regs on x86-64
    private static readonly int[] ArgumentRegisterOffsets = [112, 104, 96, 56, 72, 64]; // di, si, dx, r10, r8, r9

    private SyscallDirection? _syscall;

    /// <summary>
    /// The raw syscall tracepoint every attach point of <paramref name="probe"/> can run on: all of them
    /// <c>syscalls</c> tracepoints of one direction; null otherwise, or off x86-64.
    /// </summary>
    public static SyscallDirection? SyscallDirectionOf(BoundProbe probe)
    {
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64
            || probe.AttachPoints.Count == 0)
            return null;
        SyscallDirection? direction = null;
        foreach (var spec in probe.AttachPoints)
        {
            if (spec.Kind.Context.Args != ArgsSource.TracepointFormat || spec.Target != "syscalls")
                return null;
            SyscallDirection? own = spec.Name.StartsWith("sys_enter_", StringComparison.Ordinal) ? SyscallDirection.Enter
                : spec.Name.StartsWith("sys_exit_", StringComparison.Ordinal) ? SyscallDirection.Exit
                : null;
            if (own is null || (direction is not null && direction != own))
                return null;
            direction = own;
        }
        return direction;
    }

    /// <summary>A field of the syscall tracepoint's record, read from the raw tracepoint's context.</summary>
    private Operand LowerSyscallField(Kernel.TracepointField field, bool signed)
    {
        var (offset, size) = (field.Offset, field.Size);
        if (field.IsDataLoc || size is not (1 or 2 or 4 or 8))
            throw new LoweringNotSupportedException($"the syscall tracepoint field {field.Name}");
        Operand word;
        var within = 0;
        if (offset + size <= RecordNumberOffset)
        {
            // A perf event's program finds the regs pointer where the common fields were.
            word = Ir.Load(new PointerAddress(Ir.Context, 0), IrInt.U64);
            within = offset;
        }
        else if (offset == RecordNumberOffset && size <= 4)
            word = _syscall == SyscallDirection.Enter ? Ir.Load(new PointerAddress(Ir.Context, 8), IrInt.U64) : ReadRegister(OrigAxOffset);
        else if (_syscall == SyscallDirection.Exit && offset == RecordFirstArgumentOffset && size == 8)
            word = Ir.Load(new PointerAddress(Ir.Context, 8), IrInt.U64);
        else if (_syscall == SyscallDirection.Enter && size == 8 && offset >= RecordFirstArgumentOffset && offset % 8 == 0
            && (offset - RecordFirstArgumentOffset) / 8 < ArgumentRegisterOffsets.Length)
            word = ReadRegister(ArgumentRegisterOffsets[(offset - RecordFirstArgumentOffset) / 8]);
        else
            throw new LoweringNotSupportedException($"the syscall tracepoint field {field.Name}");
        if (within > 0)
            word = Ir.Binary(IrBinaryOp.Shr, word, new Imm(within * 8));
        if (size == 8)
            return word;
        var bits = new Imm(64 - size * 8);
        return Ir.Binary(signed ? IrBinaryOp.SignedShr : IrBinaryOp.Shr, Ir.Binary(IrBinaryOp.Shl, word, bits), bits);
    }

    // One register of the syscall's pt_regs (a kernel pointer the raw tracepoint hands over as a number).
    private VReg ReadRegister(int ptRegsOffset)
    {
        var regs = Ir.Load(new PointerAddress(Ir.Context, 0), IrInt.U64);
        var slot = Ir.NewSlot(8);
        Ir.CallVoid(HelperFunction.ProbeReadKernel, new StackAddress(slot), new Imm(8), Ir.Binary(IrBinaryOp.Add, regs, new Imm(ptRegsOffset)));
        return Ir.Load(new SlotAddress(slot), IrInt.U64);
    }
}
