namespace SharpTrace.Kernel;

/// <summary>A BTF blob loaded into the kernel (BPF_BTF_LOAD), e.g. to describe a program's functions.</summary>
internal sealed unsafe class BpfBtf : IDisposable
{
    private readonly FileDescriptor _fd;

    private BpfBtf(FileDescriptor fd) => _fd = fd;

    /// <summary>The BTF object's file descriptor.</summary>
    public int Fd => _fd.Value;

    /// <summary>Loads a raw BTF blob (header, types, strings); on rejection throws with the kernel's log.</summary>
    public static BpfBtf Load(byte[] blob)
    {
        var fd = TryLoad(blob, [], out var errno);
        if (fd >= 0)
            return new BpfBtf(new FileDescriptor(fd));
        var log = new byte[VerifierLog.InitialSize];
        fd = TryLoad(blob, log, out var logErrno);
        if (fd >= 0)
            return new BpfBtf(new FileDescriptor(fd)); // loads with a log but not without: keep it
        throw new BpfLoadException("load BTF", logErrno == Native.Enospc ? errno : logErrno, VerifierLog.Text(log));
    }

    /// <summary>Closes the BTF object; programs that use it keep their own reference.</summary>
    public void Dispose() => _fd.Dispose();

    private static int TryLoad(byte[] blob, byte[] log, out int errno)
    {
        fixed (byte* b = blob)
        fixed (byte* l = log)
        {
            var attr = new BtfLoadAttr
            {
                Btf = (ulong)b,
                BtfSize = (uint)blob.Length,
                LogBuf = (ulong)l,
                LogSize = (uint)log.Length,
                LogLevel = log.Length > 0 ? 1u : 0u,
            };
            var fd = Native.Bpf(BpfCommand.BtfLoad, ref attr);
            errno = fd < 0 ? Native.LastErrno : 0;
            return fd;
        }
    }
}
