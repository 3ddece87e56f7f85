using System.Runtime.InteropServices;

namespace SharpTrace.Kernel;

/// <summary>Owns one mmap'ed region and unmaps it exactly once.</summary>
internal sealed class MemoryMapping : SafeHandle
{
    private readonly nuint _length;

    private MemoryMapping(nint address, nuint length) : base(invalidHandleValue: -1, ownsHandle: true)
    {
        _length = length;
        SetHandle(address);
    }

    public override bool IsInvalid => handle == -1; // MAP_FAILED

    /// <summary>The start of the mapping.</summary>
    public unsafe byte* Address
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (byte*)handle;
        }
    }

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> from <paramref name="offset"/>, shared unless <paramref name="shared"/> is false.</summary>
    public static MemoryMapping Map(int fd, long offset, int length, int protection, string operation, bool shared = true)
    {
        var address = Native.Mmap(0, (nuint)length, protection, shared ? Native.MapShared : Native.MapPrivate, fd, offset);
        if (address == -1)
            throw KernelException.FromLastError(operation);
        return new MemoryMapping(address, (nuint)length);
    }

    /// <summary>
    /// Reserves <paramref name="length"/> bytes of address space, inaccessible, for parts of it to be mapped over
    /// later (<see cref="MapOver"/>); disposing the reservation unmaps whatever was mapped into it.
    /// </summary>
    public static MemoryMapping Reserve(int length, string operation)
    {
        var address = Native.Mmap(0, (nuint)length, Native.ProtNone, Native.MapPrivate | Native.MapAnonymous, -1, 0);
        if (address == -1)
            throw KernelException.FromLastError(operation);
        return new MemoryMapping(address, (nuint)length);
    }

    /// <summary>
    /// Maps <paramref name="length"/> bytes of <paramref name="fd"/> from <paramref name="offset"/> (shared) at the
    /// start of this reservation, replacing what was there, and gives the rest of the
    /// <paramref name="previousLength"/> bytes mapped before back to the reservation.
    /// </summary>
    public void MapOver(int fd, long offset, int length, int previousLength, int protection, string operation)
    {
        if ((nuint)length > _length)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"larger than the reservation ({_length} bytes)");
        if (Native.Mmap(handle, (nuint)length, protection, Native.MapShared | Native.MapFixed, fd, offset) == -1)
            throw KernelException.FromLastError(operation);
        if (previousLength > length
            && Native.Mmap(handle + length, (nuint)(previousLength - length), Native.ProtNone,
                Native.MapPrivate | Native.MapAnonymous | Native.MapFixed, -1, 0) == -1)
            throw KernelException.FromLastError(operation);
    }

    protected override bool ReleaseHandle() => Native.Munmap(handle, _length) == 0;
}
