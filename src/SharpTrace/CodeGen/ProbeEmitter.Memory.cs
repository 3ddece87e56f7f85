using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.CodeGen;

// Reads of C objects in kernel or user memory (struct members, array elements, dereferences) and casts.
internal sealed partial class ProbeEmitter
{
    /// <summary>Leaves in r0 the address of a struct or array in memory, or the value of a pointer.</summary>
    private void EmitAddress(BoundExpression e)
    {
        if (e is BoundMemoryRead { Type: CValueType } inner)
        {
            EmitAddress(inner.Base);
            if (inner.Offset != 0)
                Asm.Alu(AluOp.Add, Reg.R0, inner.Offset);
            return;
        }
        EmitScalar(e);
    }

    /// <summary>r1 = stack buffer, r2 = size, r3 = source address: bpf_probe_read_user or _kernel into the buffer.</summary>
    private void EmitProbeRead(BoundMemoryRead read, int frameOffset, int size)
    {
        EmitAddress(read.Base);
        Asm.Mov(Reg.R3, Reg.R0);
        if (read.Offset != 0)
            Asm.Alu(AluOp.Add, Reg.R3, read.Offset);
        FramePointer(Reg.R1, frameOffset);
        Asm.Mov(Reg.R2, size);
        Asm.Call(read.IsUserSpace ? HelperFunction.ProbeReadUser : HelperFunction.ProbeReadKernel);
    }

    /// <summary>An integer or pointer member into r0, with its width, signedness and bitfield position.</summary>
    private void EmitMemoryScalar(BoundMemoryRead read)
    {
        var slot = Allocate(8);
        if (read.IsBitfield)
        {
            // Read the bytes holding the bits, then shift the field to the top and back down (sign-extending if signed).
            var bytes = (read.BitOffset + read.BitfieldSize + 7) / 8;
            Asm.StoreImm(Size.U64, Reg.R10, (short)slot, 0);
            EmitProbeRead(read, slot, bytes);
            Asm.Load(Size.U64, Reg.R0, Reg.R10, (short)slot);
            Asm.Alu(AluOp.Lsh, Reg.R0, 64 - read.BitOffset - read.BitfieldSize);
            Asm.Alu(read.Type is IntegerType { IsSigned: true } ? AluOp.Arsh : AluOp.Rsh, Reg.R0, 64 - read.BitfieldSize);
            return;
        }
        var size = read.Type.Size;
        EmitProbeRead(read, slot, size);
        Asm.Load(SizeOf(size), Reg.R0, Reg.R10, (short)slot);
        if (read.Type is IntegerType { IsSigned: true, Bytes: < 8 } signed)
            SignExtend(Reg.R0, signed.Bytes);
    }

    /// <summary>A char array (as a string), struct or array copied into a stack buffer.</summary>
    private void EmitMemoryInto(BoundMemoryRead read, int frameOffset, int size)
    {
        var length = Math.Min(size, read.Type.Size);
        if (size > length || read.Type is StringType)
            ZeroFill(frameOffset, size);
        // A char array is copied whole: a full array without a NUL is still a string of its length.
        EmitProbeRead(read, frameOffset, length);
    }

    private void EmitCast(BoundCast cast)
    {
        EmitScalar(cast.Operand);
        if (cast.Type is not IntegerType { Bytes: < 8 } integer)
            return;
        if (integer.IsSigned)
            SignExtend(Reg.R0, integer.Bytes);
        else
        {
            Asm.Alu(AluOp.Lsh, Reg.R0, 64 - integer.Bytes * 8);
            Asm.Alu(AluOp.Rsh, Reg.R0, 64 - integer.Bytes * 8);
        }
    }

    private void SignExtend(Reg reg, int bytes)
    {
        Asm.Alu(AluOp.Lsh, reg, 64 - bytes * 8);
        Asm.Alu(AluOp.Arsh, reg, 64 - bytes * 8);
    }
}
