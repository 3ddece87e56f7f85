using System.Text;

namespace SharpTrace.Kernel;

/// <summary>A program attached to a raw tracepoint (BPF_RAW_TRACEPOINT_OPEN); closing it detaches the program.</summary>
internal sealed unsafe class RawTracepointLink : IProbeAttachment
{
    private readonly FileDescriptor _fd;

    private RawTracepointLink(FileDescriptor fd) => _fd = fd;

    /// <summary>Attaches a raw_tracepoint program to the tracepoint <paramref name="name"/> (e.g. "sched_switch").</summary>
    public static RawTracepointLink Open(string name, BpfProgram program)
    {
        var bytes = Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* n = bytes)
        {
            var attr = new RawTracepointOpenAttr { Name = (ulong)n, ProgFd = (uint)program.Fd };
            var fd = Native.Bpf(BpfCommand.RawTracepointOpen, ref attr);
            if (fd < 0)
                throw KernelException.FromLastError($"attach program {program.Name} to raw tracepoint {name}");
            return new RawTracepointLink(new FileDescriptor(fd));
        }
    }

    /// <summary>Detaches the program: closing a raw tracepoint link does not wait for the kernel.</summary>
    public void Stop() => _fd.Dispose();

    /// <summary>Detaches the program.</summary>
    public void Dispose() => _fd.Dispose();
}
