using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>
/// Reads of memory the program may not load directly (struct members, array elements, dereferences: a probe-read
/// helper into the stack), context arguments, tuple elements, and string comparison.
/// </summary>
internal sealed partial class ProbeLowerer
{
    /// <summary>
    /// A word of a context that is an array of u64 (raw tracepoint, fentry), or a uprobe's argument register,
    /// narrowed to its C type.
    /// </summary>
    private Operand LowerContextArgument(BoundContextArgument argument)
    {
        // The whole word is loaded (the verifier checks context reads of BTF-typed arguments at their own size).
        var word = Probe.Kind.Context.Arguments == ArgumentSource.Registers && !argument.IsContextMember
            ? RegisterArguments.Load(Ir, argument.Index, Probe.Kind.Context.ReadsUserMemory)
            : Ir.Load(new PointerAddress(Ir.Context, argument.Index * 8), IrInt.U64);
        if (argument.EndsProbeIfNull)
        {
            var present = Ir.NewLabel("ctx_present");
            Ir.Branch(IrCondition.Ne, word, new Imm(0), present);
            Ir.Return(new Imm(0));
            Ir.Mark(present);
        }
        if (argument.ArgumentType is not IntegerType { Size: < 8 } integer)
            return word;
        var unused = new Imm(64 - 8 * integer.Size);
        return Ir.Binary(integer.IsSigned ? IrBinaryOp.SignedShr : IrBinaryOp.Shr, Ir.Binary(IrBinaryOp.Shl, word, unused), unused);
    }

    /// <summary>A uprobe's <c>args</c> record: each parameter's register, narrowed, stored at its member's offset.</summary>
    private void LowerArgumentsRecordInto(BoundArgumentsRecord record, Slot slot, int offset, int size)
    {
        Ir.Zero(slot, offset, size);
        var members = ((Semantics.CTypes.CStructType)record.RecordType.CType).Members;
        for (var i = 0; i < record.Fields.Count; i++)
            Ir.Store(new SlotAddress(slot, offset + members[i].Offset), record.Fields[i].Type.Size, LowerContextArgument(record.Fields[i]));
    }

    /// <summary>
    /// The address of a struct, array or string (a char array) in memory (its base's address plus its offset, nested members adding up),
    /// or the value of a pointer.
    /// </summary>
    internal Operand MemoryAddress(BoundExpression e) => e switch
    {
        BoundMemoryRead { Type: CValueType or StringType } inner => Ir.Binary(IrBinaryOp.Add, MemoryAddress(inner.Base), new Imm(inner.Offset)),
        BoundArrayElement { InMemory: true, Type: CValueType or StringType } element => ElementMemoryAddress(element),
        _ => LowerScalar(e),
    };

    /// <summary>bpf_probe_read_user or _kernel of <paramref name="size"/> bytes of the read's memory into the slot.</summary>
    private void ProbeRead(BoundMemoryRead read, Slot slot, int offset, int size)
    {
        var address = Ir.Binary(IrBinaryOp.Add, MemoryAddress(read.Base), new Imm(read.Offset));
        Ir.CallVoid(read.IsUserSpace ? HelperFunction.ProbeReadUser : HelperFunction.ProbeReadKernel,
            new StackAddress(slot, offset), new Imm(size), address);
    }

    /// <summary>An integer or pointer member, with its width, signedness and bitfield position.</summary>
    private Operand LowerMemoryScalar(BoundMemoryRead read)
    {
        var slot = Ir.NewSlot(8);
        var signed = read.Type is IntegerType { IsSigned: true };
        if (!read.IsBitfield)
        {
            ProbeRead(read, slot, 0, read.Type.Size);
            return Ir.Load(new SlotAddress(slot), new IrInt(read.Type.Size, signed));
        }
        // The bytes holding the bits, read into a zeroed word; the field shifted to the top, then down (sign-extending if signed).
        Ir.Zero(slot, 0, 8);
        ProbeRead(read, slot, 0, (read.BitOffset + read.BitfieldSize + 7) / 8);
        var word = Ir.Load(new SlotAddress(slot), IrInt.U64);
        var top = Ir.Binary(IrBinaryOp.Shl, word, new Imm(64 - read.BitOffset - read.BitfieldSize));
        return Ir.Binary(signed ? IrBinaryOp.SignedShr : IrBinaryOp.Shr, top, new Imm(64 - read.BitfieldSize));
    }

    /// <summary>A char array (as a string), struct or array read into a slot; a char array whole, NUL or not.</summary>
    private void LowerMemoryInto(BoundMemoryRead read, Slot slot, int offset, int size)
    {
        var length = Math.Min(size, read.Type.Size);
        if (read.Type is StringType)
            Ir.Zero(slot, offset, size);
        else
            Ir.Zero(slot, offset + length, size - length);
        ProbeRead(read, slot, offset, length);
    }

    /// <summary>
    /// Where a tuple element is: in a tuple variable's slot, or, for any other tuple (a map's value, a literal), in a
    /// slot the tuple is built into first.
    /// </summary>
    private SlotAddress ElementAddress(BoundTupleElement element)
    {
        switch (element.Tuple)
        {
            case BoundVariableRead read when _bufferVariables.TryGetValue(read.Variable, out var variable):
                return new SlotAddress(variable, element.Offset);
            case BoundTupleElement inner:
            {
                var address = ElementAddress(inner);
                return address with { Offset = address.Offset + element.Offset };
            }
            default:
            {
                var size = element.Tuple.Type.Size;
                var slot = Ir.NewSlot(size);
                LowerInto(element.Tuple, slot, 0, size, padStrings: true);
                return new SlotAddress(slot, element.Offset);
            }
        }
    }

    /// <summary>
    /// String == and !=, jumping to <paramref name="equal"/> or <paramref name="differ"/>: against a literal, unrolled
    /// (its code grows with the literal only); two other strings byte by byte up to the first NUL, in a loop
    /// (<see cref="ByteLoop"/>). A buffer full without a NUL equals a literal that ends there.
    /// </summary>
    private void LowerStringComparison(BoundBinary binary, IrLabel equal, IrLabel differ)
    {
        var (left, right) = (binary.Left, binary.Right);
        if (left is BoundStringLiteral && right is not BoundStringLiteral)
            (left, right) = (right, left);
        var leftSize = left.Type.Size;
        var a = Ir.NewSlot(leftSize);
        LowerInto(left, a, 0, leftSize, padStrings: false);
        if (right is BoundStringLiteral literal)
        {
            // The literal's bytes and its NUL, as far as the buffer goes, compared in the widest aligned words (the
            // bytes after the NUL are not looked at: they need not be zero).
            var bytes = literal.Bytes;
            var compared = Math.Min(bytes.Length + 1, leftSize);
            for (var i = 0; i < compared;)
            {
                var width = new[] { 8, 4, 2, 1 }.First(w => i % w == 0 && compared - i >= w);
                var expected = 0UL;
                for (var at = i + width - 1; at >= i; at--)
                    expected = (expected << 8) | (at < bytes.Length ? bytes[at] : 0UL);
                Ir.Branch(IrCondition.Ne, Ir.Load(new SlotAddress(a, i), new IrInt(width, false)), new Imm(unchecked((long)expected)), differ);
                i += width;
            }
            // A buffer full without a NUL equals the literal only when the literal ends there too.
            Ir.Goto(bytes.Length <= leftSize ? equal : differ);
            return;
        }
        var rightSize = right.Type.Size;
        var b = Ir.NewSlot(rightSize);
        LowerInto(right, b, 0, rightSize, padStrings: false);
        ByteLoop.CompareStrings(this, a, b, Math.Min(leftSize, rightSize), equal, differ);
    }
}
