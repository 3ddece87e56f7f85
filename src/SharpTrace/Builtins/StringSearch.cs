using SharpTrace.Lowering;
using SharpTrace.Semantics;

namespace SharpTrace.Builtins;

/// <summary>
/// The substring search strcontains and strstr share, in loops whose code does not grow with the haystack (see
/// <see cref="ByteLoop"/>): the haystack is on the stack (or in the scratch space) and tried at every offset until
/// its NUL. The search jumps to <c>found</c> or <c>missing</c>; <c>atFound(offset)</c> runs right before it jumps to
/// <c>found</c>, with the offset where the needle starts, so a caller can keep it.
/// </summary>
internal static class StringSearch
{
    /// <summary>
    /// A literal needle: a loop over the offsets where it fits, its bytes compared as constants (the comparison
    /// grows with the literal only). The differences are or-ed together before one branch, so that each offset leaves
    /// the verifier one pending state.
    /// </summary>
    public static void LowerLiteral(ProbeLowerer lowering, Slot haystack, int size, byte[] needle, IrLabel found, IrLabel missing, Action<Operand> atFound)
    {
        var ir = lowering.Ir;
        if (needle.Length == 0)
        {
            atFound(new Imm(0));
            ir.Goto(found);
            return;
        }
        // The needle has no NUL, so a mismatch also stops at the haystack's end.
        if (needle.Length <= size)
        {
            var key = Convert.ToHexString(needle);
            var offset = ByteLoop.Run(lowering, ir, "contains", key, size - needle.Length + 1, [new StackAddress(haystack)], [], new Imm(-1), loop =>
            {
                var first = loop.Byte(0);
                loop.StopIf(IrCondition.Eq, first, new Imm(0), new Imm(-1));
                Operand differences = loop.Ir.Binary(IrBinaryOp.Xor, first, new Imm(needle[0]));
                for (var j = 1; j < needle.Length; j++)
                    differences = loop.Ir.Binary(IrBinaryOp.Or, differences, loop.Ir.Binary(IrBinaryOp.Xor, loop.Byte(0, j), new Imm(needle[j])));
                loop.StopIf(IrCondition.Eq, differences, new Imm(0), loop.Index);
            });
            ir.Branch(IrCondition.Slt, offset, new Imm(0), missing);
            atFound(offset);
            ir.Goto(found);
            return;
        }
        ir.Goto(missing);
    }

    /// <summary>
    /// A needle in a buffer of its own, read up to its NUL. Each offset compares up to the needle's size, so the
    /// search is a loop in a loop, whose iterations the verifier would walk all: the outer loop is a bpf_loop callback
    /// (verified once for any offset), handed the haystack's and needle's addresses in a frame on the stack, where it
    /// leaves the offset it found (-1 for none); the inner loop compares the needle's bytes (a <see cref="ByteLoop"/>,
    /// itself a callback nested in this one when the needle's buffer is long).
    /// </summary>
    public static void Lower(ProbeLowerer lowering, Slot haystack, int size, BoundExpression needleValue, IrLabel found, IrLabel missing, Action<Operand> atFound)
    {
        var ir = lowering.Ir;
        var needleSize = needleValue.Type.Size;
        var needle = ir.NewSlot(needleSize);
        lowering.LowerInto(needleValue, needle, 0, needleSize, padStrings: false);
        var nonEmpty = ir.NewLabel("needle_nonempty");
        ir.Branch(IrCondition.Ne, ir.Load(new SlotAddress(needle, 0), new IrInt(1, false)), new Imm(0), nonEmpty);
        atFound(new Imm(0));
        ir.Goto(found);
        ir.Mark(nonEmpty);
        var callback = lowering.Callback("strstr_callback", $"strstr {size} {needleSize}", 2, (body, p) => TryOffset(lowering, body, p[0], p[1], size, needleSize));
        // The frame: the haystack's address, the needle's, the offset found. The addresses are stored last, right
        // before the call and with no register defined in between, so that no slot (a spilled register's included)
        // takes the buffers' bytes while the callback still reads them.
        var frame = ir.NewSlot(FrameSize);
        ir.Store(new SlotAddress(frame, FoundOffset), 8, new Imm(-1));
        ir.Store(new SlotAddress(frame, NeedleOffset), 8, new StackAddress(needle));
        ir.Store(new SlotAddress(frame, HaystackOffset), 8, new StackAddress(haystack));
        ir.Emit(new LoopCallOp(new Imm(size), callback, new StackAddress(frame)));
        var offset = ir.Load(new SlotAddress(frame, FoundOffset), IrInt.S64);
        ir.Branch(IrCondition.Slt, offset, new Imm(0), missing);
        atFound(offset);
        ir.Goto(found);
    }

    private const int HaystackOffset = 0;
    private const int NeedleOffset = 8;
    private const int FoundOffset = 16;
    private const int FrameSize = 24;

    /// <summary>
    /// The callback: the needle tried at haystack offset <paramref name="start"/>; returns 1 (stop) at the haystack's
    /// NUL or when the needle is found there (its offset left in the frame), 0 to try the next offset.
    /// </summary>
    private static void TryOffset(ProbeLowerer lowering, IrBuilder ir, VReg start, VReg frame, int size, int needleSize)
    {
        var stop = ir.NewLabel("strstr_stop");
        var next = ir.NewLabel("strstr_next");
        // The bound the verifier needs for the haystack's variable offset (bpf_loop runs it below size anyway).
        ir.Branch(IrCondition.Ge, start, new Imm(size), stop);
        var haystack = ir.Load(new PointerAddress(frame, HaystackOffset), IrInt.U64);
        var first = ir.InRegister(ir.Binary(IrBinaryOp.Add, haystack, start));
        ByteLoop.ExitIf(ir, IrCondition.Eq, ir.Load(new PointerAddress(first), new IrInt(1, false)), new Imm(0), stop);
        // The needle's bytes against the haystack's from start: 1 when the needle's NUL (or its buffer's end) is
        // reached, 0 at a byte that differs or when the haystack's buffer ends first. start comes through the frame
        // with the bound checked above, which the haystack's offset (start plus the needle's index) needs.
        var needle = ir.Load(new PointerAddress(frame, NeedleOffset), IrInt.U64);
        var matched = ByteLoop.Run(lowering, ir, "strstr_needle", $"{size}", needleSize, [needle], [haystack, start], new Imm(1), loop =>
        {
            var wanted = loop.Byte(0);
            loop.StopIf(IrCondition.Eq, wanted, new Imm(0), new Imm(1));
            var position = loop.Ir.InRegister(loop.Ir.Binary(IrBinaryOp.Add, loop.Input(1), loop.Index));
            loop.StopIf(IrCondition.Ge, position, new Imm(size), new Imm(0));
            var character = loop.Ir.InRegister(loop.Ir.Binary(IrBinaryOp.Add, loop.Input(0), position));
            loop.StopIf(IrCondition.Ne, loop.Ir.Load(new PointerAddress(character), new IrInt(1, false)), wanted, new Imm(0));
        });
        ir.Branch(IrCondition.Eq, matched, new Imm(0), next);
        ir.Store(new PointerAddress(frame, FoundOffset), 8, start);
        ir.Mark(stop);
        ir.Return(new Imm(1));
        ir.Mark(next);
        ir.Return(new Imm(0));
    }
}
