using Microsoft.Win32.SafeHandles;

namespace SharpTrace.Kernel;

/// <summary>Owns one file descriptor (map, program, BTF, perf event, epoll) and closes it exactly once.</summary>
internal sealed class FileDescriptor : SafeHandleMinusOneIsInvalid
{
    public FileDescriptor(int fd) : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>The descriptor number, for placing in system call attributes.</summary>
    public int Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)handle;
        }
    }

    protected override bool ReleaseHandle() => Native.Close((int)handle) == 0;
}
