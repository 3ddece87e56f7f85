using SharpTrace.Bpf;

namespace SharpTrace.Lowering;

/// <summary>
/// A function's N-th integer or pointer argument at its entry, read from a <c>struct pt_regs</c> context by the
/// x86-64 System V calling convention: rdi, rsi, rdx, rcx, r8, r9, then the caller's stack. <c>argN</c> in kprobes
/// and uprobes, and a uprobe's DWARF-typed <c>args</c>, read their arguments this way.
/// </summary>
internal static class RegisterArguments
{
    // Offsets in x86-64 struct pt_regs (arch/x86/include/uapi/asm/ptrace.h).
    private static readonly short[] RegisterOffsets = [112 /* di */, 104 /* si */, 96 /* dx */, 88 /* cx */, 72 /* r8 */, 64 /* r9 */];
    private const short StackPointerOffset = 152;

    /// <summary>
    /// Argument <paramref name="index"/> as a 64-bit value; from the seventh on a word of the caller's stack, read
    /// from user memory when <paramref name="userMemory"/>, else kernel memory.
    /// </summary>
    public static Operand Load(IrBuilder ir, int index, bool userMemory)
    {
        if (index < RegisterOffsets.Length)
            return ir.Load(new PointerAddress(ir.Context, RegisterOffsets[index]), IrInt.U64);
        // At function entry [sp] is the return address and the seventh argument is just above it.
        var slot = ir.NewSlot(8);
        var stackPointer = ir.Load(new PointerAddress(ir.Context, StackPointerOffset), IrInt.U64);
        var address = ir.Binary(IrBinaryOp.Add, stackPointer, new Imm(8 * (index - RegisterOffsets.Length + 1)));
        ir.CallVoid(userMemory ? HelperFunction.ProbeReadUser : HelperFunction.ProbeReadKernel, new StackAddress(slot), new Imm(8), address);
        return ir.Load(new SlotAddress(slot), IrInt.U64);
    }
}
