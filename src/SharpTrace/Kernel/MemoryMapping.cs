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

    protected override bool ReleaseHandle() => Native.Munmap(handle, _length) == 0;
}
