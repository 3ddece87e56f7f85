using SharpTrace.Lowering;
using SharpTrace.Semantics;

namespace SharpTrace.Builtins;

/// <summary>
/// The unrolled substring search strcontains and strstr share: the haystack is on the stack and tried at every offset;
/// a literal needle is compared as constants, another needle read from its own buffer up to its NUL. The search jumps
/// to <c>found</c> or <c>missing</c>; <c>atStart(i)</c> runs before offset <c>i</c> is tried (and before an empty needle
/// is found at 0), so a caller can keep the offset being tried.
/// </summary>
internal static class StringSearch
{
    public static void LowerLiteral(IrBuilder ir, Slot haystack, int size, byte[] needle, IrLabel found, IrLabel missing, Action<int> atStart)
    {
        if (needle.Length == 0)
        {
            atStart(0);
            ir.Goto(found);
            return;
        }
        // The needle has no NUL, so a mismatch also stops at the haystack's end.
        for (var start = 0; start + needle.Length <= size; start++)
        {
            var next = ir.NewLabel("contains_next");
            atStart(start);
            ir.Branch(IrCondition.Eq, ir.Load(new SlotAddress(haystack, start), new IrInt(1, false)), new Imm(0), missing);
            for (var j = 0; j < needle.Length; j++)
                ir.Branch(IrCondition.Ne, ir.Load(new SlotAddress(haystack, start + j), new IrInt(1, false)), new Imm(needle[j]), next);
            ir.Goto(found);
            ir.Mark(next);
        }
        ir.Goto(missing);
    }

    public static void Lower(ProbeLowerer lowering, Slot haystack, int size, BoundExpression needleValue, IrLabel found, IrLabel missing, Action<int> atStart)
    {
        var ir = lowering.Ir;
        var needleSize = needleValue.Type.Size;
        var needle = ir.NewSlot(needleSize);
        lowering.LowerInto(needleValue, needle, 0, needleSize, padStrings: false);
        atStart(0);
        ir.Branch(IrCondition.Eq, ir.Load(new SlotAddress(needle, 0), new IrInt(1, false)), new Imm(0), found);
        for (var start = 0; start < size; start++)
        {
            var next = ir.NewLabel("contains_next");
            atStart(start);
            ir.Branch(IrCondition.Eq, ir.Load(new SlotAddress(haystack, start), new IrInt(1, false)), new Imm(0), missing);
            for (var j = 0; j < needleSize && start + j < size; j++)
            {
                var wanted = ir.Load(new SlotAddress(needle, j), new IrInt(1, false));
                ir.Branch(IrCondition.Eq, wanted, new Imm(0), found);
                ir.Branch(IrCondition.Ne, ir.Load(new SlotAddress(haystack, start + j), new IrInt(1, false)), wanted, next);
            }
            // The haystack's buffer ended inside the needle: it matched only if the needle ends there too.
            if (start + needleSize > size)
                ir.Branch(IrCondition.Eq, ir.Load(new SlotAddress(needle, size - start), new IrInt(1, false)), new Imm(0), found);
            else
                ir.Goto(found);
            ir.Goto(next);
            ir.Mark(next);
        }
        ir.Goto(missing);
    }
}
