using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>
/// Structs, unions and arrays the program holds as copies (variables, map values and keys, tuple elements): their
/// members read from the copy's bytes; and array elements at indexes known only at run time, checked against the
/// array's length (an index past the end sends bpftrace's run-time warning and reads as zero).
/// </summary>
internal sealed partial class ProbeLowerer
{
    /// <summary>
    /// Where a copy's bytes are: a variable's slot, a tuple element's place, a member of a copy inside its copy; any other
    /// value (a map's value, a call's result) is built into a slot first.
    /// </summary>
    private SlotAddress CopyAddress(BoundExpression value)
    {
        switch (value)
        {
            case BoundVariableRead read when _bufferVariables.TryGetValue(read.Variable, out var variable):
                return new SlotAddress(variable);
            case BoundTupleElement element:
                return ElementAddress(element);
            // A script's char[N] at the end of its copy is a string[N+1] whose last byte the copy does not hold (the
            // copy keeps the C size): built into a slot of its own, ending in a zero byte, so no read (an index
            // checked against N+1) goes past the copy.
            case BoundStoredMember member when member.Offset + member.Type.Size <= member.Value.Type.Size:
            {
                var address = CopyAddress(member.Value);
                return address with { Offset = address.Offset + member.Offset };
            }
            default:
            {
                var size = value.Type.Size;
                var slot = Ir.NewSlot(size);
                LowerInto(value, slot, 0, size, padStrings: true);
                return new SlotAddress(slot);
            }
        }
    }

    /// <summary>An integer, pointer or bitfield member of a copy, loaded from the copy with its width and signedness.</summary>
    private Operand LowerStoredScalar(BoundStoredMember member)
    {
        var copy = CopyAddress(member.Value);
        var address = copy with { Offset = copy.Offset + member.Offset };
        var signed = member.Type is IntegerType { IsSigned: true };
        if (!member.IsBitfield)
            return Ir.Load(address, new IrInt(member.Type.Size, signed));
        // The bytes holding the bits, copied into a zeroed word, then shifted as a bitfield read from memory is.
        var word = Ir.NewSlot(8);
        Ir.Zero(word, 0, 8);
        Ir.Copy(new SlotAddress(word), address, (member.BitOffset + member.BitfieldSize + 7) / 8);
        var top = Ir.Binary(IrBinaryOp.Shl, Ir.Load(new SlotAddress(word), IrInt.U64), new Imm(64 - member.BitOffset - member.BitfieldSize));
        return Ir.Binary(signed ? IrBinaryOp.SignedShr : IrBinaryOp.Shr, top, new Imm(64 - member.BitfieldSize));
    }

    /// <summary>A struct, array or string member of a copy, copied into the slot.</summary>
    private void LowerStoredInto(BoundStoredMember member, Slot slot, int offset, int size)
    {
        var copy = CopyAddress(member.Value);
        // Never past the copy: a script's char[N] read as string[N+1] at the end of its struct ends in a zero byte.
        var length = Math.Min(Math.Min(size, member.Type.Size), member.Value.Type.Size - member.Offset);
        Ir.Copy(new SlotAddress(slot, offset), copy with { Offset = copy.Offset + member.Offset }, length);
        Ir.Zero(slot, offset + length, size - length);
    }

    /// <summary>
    /// The element's byte offset in its array, after a jump to <paramref name="outOfBounds"/> for an index past the end
    /// (compared unsigned, so a negative index is past the end too). A power-of-two stride is a shift, so the verifier
    /// sees the offset aligned.
    /// </summary>
    private Operand CheckedOffset(BoundArrayElement element, IrLabel outOfBounds)
    {
        var index = Ir.InRegister(LowerScalar(element.Index));
        Ir.Branch(IrCondition.Gt, index, new Imm(element.Count - 1), outOfBounds);
        return (element.Stride & (element.Stride - 1)) == 0
            ? Ir.Binary(IrBinaryOp.Shl, index, new Imm(System.Numerics.BitOperations.Log2((uint)element.Stride)))
            : Ir.Binary(IrBinaryOp.Mul, index, new Imm(element.Stride));
    }

    /// <summary>The address of an element of an array in memory; 0 for an index past the end, which a probe read refuses (reading zeros).</summary>
    private Operand ElementMemoryAddress(BoundArrayElement element)
    {
        var address = Ir.NewRegister();
        Ir.Emit(new MoveOp(address, new Imm(0)));
        var outOfBounds = Ir.NewLabel("oob");
        var offset = CheckedOffset(element, outOfBounds);
        Ir.Emit(new MoveOp(address, Ir.Binary(IrBinaryOp.Add, MemoryAddress(element.Array), offset)));
        WarnOutOfBounds(element, outOfBounds);
        return address;
    }

    /// <summary>An integer or pointer element at a run-time index: read from memory, or loaded from the copy; zero past the end.</summary>
    private Operand LowerArrayElementScalar(BoundArrayElement element)
    {
        var type = new IrInt(element.Type.Size, element.Type is IntegerType { IsSigned: true });
        if (element.InMemory)
        {
            var slot = Ir.NewSlot(8);
            Ir.CallVoid(element.IsUserSpace ? HelperFunction.ProbeReadUser : HelperFunction.ProbeReadKernel,
                new StackAddress(slot), new Imm(element.Type.Size), ElementMemoryAddress(element));
            return Ir.Load(new SlotAddress(slot), type);
        }
        var result = Ir.NewRegister();
        Ir.Emit(new MoveOp(result, new Imm(0)));
        var copy = CopyAddress(element.Array);
        var outOfBounds = Ir.NewLabel("oob");
        var offset = CheckedOffset(element, outOfBounds);
        // A stack address with a bounded variable offset, loaded at once (the copy's slot lives up to here).
        var pointer = Ir.InRegister(Ir.Binary(IrBinaryOp.Add, new StackAddress(copy.Slot, copy.Offset), offset));
        Ir.Emit(new MoveOp(result, Ir.Load(new PointerAddress(pointer), type)));
        WarnOutOfBounds(element, outOfBounds);
        return result;
    }

    /// <summary>A struct, array or string element at a run-time index, copied into the slot; zeros past the end.</summary>
    private void LowerArrayElementInto(BoundArrayElement element, Slot slot, int offset, int size)
    {
        var length = Math.Min(size, element.Type.Size);
        Ir.Zero(slot, offset, size);
        if (element.InMemory)
        {
            Ir.CallVoid(element.IsUserSpace ? HelperFunction.ProbeReadUser : HelperFunction.ProbeReadKernel,
                new StackAddress(slot, offset), new Imm(length), ElementMemoryAddress(element));
            return;
        }
        var copy = CopyAddress(element.Array);
        var outOfBounds = Ir.NewLabel("oob");
        var elementOffset = CheckedOffset(element, outOfBounds);
        // Read through a helper: an element need not be aligned for word loads at a variable offset of the stack.
        var source = Ir.Binary(IrBinaryOp.Add, new StackAddress(copy.Slot, copy.Offset), elementOffset);
        Ir.CallVoid(HelperFunction.ProbeReadKernel, new StackAddress(slot, offset), new Imm(length), source);
        WarnOutOfBounds(element, outOfBounds);
    }

    /// <summary>
    /// Ends the in-bounds path, and makes <paramref name="outOfBounds"/> the path that sends the element's run-time
    /// warning; both go on after it.
    /// </summary>
    private void WarnOutOfBounds(BoundArrayElement element, IrLabel outOfBounds)
    {
        var done = Ir.NewLabel("oob_end");
        Ir.Goto(done);
        Ir.Mark(outOfBounds);
        if (element.ErrorAction != BoundArrayElement.NoWarning)
            LowerRecord(element.ErrorAction, []);
        Ir.Mark(done);
    }

    /// <summary><c>(uint64)$arr</c>: the array's bytes loaded as one integer (moved to an aligned word first when they are not aligned).</summary>
    private Operand LowerArrayToInteger(BoundCast cast)
    {
        var size = cast.Type.Size;
        var bytes = CopyAddress(cast.Operand);
        if (bytes.Offset % size != 0)
        {
            var word = Ir.NewSlot(8);
            Ir.Copy(new SlotAddress(word), bytes, size);
            bytes = new SlotAddress(word);
        }
        return Ir.Load(bytes, new IrInt(size, cast.Type is IntegerType { IsSigned: true }));
    }

    /// <summary><c>(uint8[8])x</c>: the integer's bytes as in memory (little-endian), as many as the array holds.</summary>
    private void LowerIntegerToArray(BoundCast cast, Slot slot, int offset, int size)
    {
        var value = LowerScalar(cast.Operand);
        var length = Math.Min(size, cast.Type.Size);
        if (length is 1 or 2 or 4 or 8 && offset % length == 0)
            Ir.Store(new SlotAddress(slot, offset), length, value);
        else
        {
            var word = Ir.NewSlot(8);
            Ir.Store(new SlotAddress(word), 8, value);
            Ir.Copy(new SlotAddress(slot, offset), new SlotAddress(word), length);
        }
        Ir.Zero(slot, offset + length, size - length);
    }

    /// <summary>
    /// Two integer arrays (or two buffers) compared in the widest aligned words: 1 when equal (for <c>==</c>), else 0.
    /// Buffers of two sizes compare the smaller one's bytes: its length word, then its data (a longer length differs
    /// in the length word; bytes past a length are zero).
    /// </summary>
    private Operand LowerArrayComparison(BoundArrayComparison comparison)
    {
        var left = CopyAddress(comparison.Left);
        var right = CopyAddress(comparison.Right);
        var size = Math.Min(comparison.Left.Type.Size, comparison.Right.Type.Size);
        var result = Ir.NewRegister();
        var differ = Ir.NewLabel("arr_ne");
        var end = Ir.NewLabel("arr_end");
        for (var i = 0; i < size;)
        {
            var at = i;
            var width = new[] { 8, 4, 2, 1 }.First(w => size - at >= w && (left.Offset + at) % w == 0 && (right.Offset + at) % w == 0);
            var a = Ir.Load(left with { Offset = left.Offset + i }, new IrInt(width, false));
            Ir.Branch(IrCondition.Ne, a, Ir.Load(right with { Offset = right.Offset + i }, new IrInt(width, false)), differ);
            i += width;
        }
        Ir.Emit(new MoveOp(result, new Imm(comparison.IsEqual ? 1 : 0)));
        Ir.Goto(end);
        Ir.Mark(differ);
        Ir.Emit(new MoveOp(result, new Imm(comparison.IsEqual ? 0 : 1)));
        Ir.Mark(end);
        return result;
    }
}
