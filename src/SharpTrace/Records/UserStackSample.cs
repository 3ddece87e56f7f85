using System.Buffers.Binary;

namespace SharpTrace.Records;

/// <summary>
/// What a probe copied for <c>dw_ustack</c>: the sample's id (the value the probe stored, which map keys and other
/// records hold), the user registers the unwinder starts from (instruction, stack and frame pointer, rbx) and the
/// bytes of the user stack from <see cref="StackBase"/> up, as many as could be read.
/// </summary>
internal sealed record UserStackSample(UInt128 Id, int Pid, ulong Ip, ulong Sp, ulong Bp, ulong Bx, ulong StackBase, byte[] Stack)
{
    /// <summary>The 8 bytes at <paramref name="address"/> when the copy holds them, else null.</summary>
    public ulong? Read(ulong address)
    {
        if (address < StackBase || address - StackBase > (ulong)Stack.Length || address - StackBase + 8 > (ulong)Stack.Length)
            return null;
        return BinaryPrimitives.ReadUInt64LittleEndian(Stack.AsSpan((int)(address - StackBase)));
    }
}
