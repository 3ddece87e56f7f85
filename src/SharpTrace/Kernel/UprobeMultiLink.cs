using System.Text;

namespace SharpTrace.Kernel;

/// <summary>
/// One program on many uprobes (or uretprobes) of one file through a single BPF link (BPF_TRACE_UPROBE_MULTI, Linux
/// 6.6+): no perf event per probe, and releasing the link waits for the kernel once, not once per probe.
/// The program must be loaded with the expected attach type <see cref="AttachType"/>.
/// </summary>
internal sealed class UprobeMultiLink : IProbeAttachment
{
    /// <summary>BPF_TRACE_UPROBE_MULTI (enum bpf_attach_type).</summary>
    public const uint AttachType = 48;

    private const uint FlagReturn = 1; // BPF_F_UPROBE_MULTI_RETURN

    private readonly FileDescriptor _fd;

    private UprobeMultiLink(FileDescriptor fd) => _fd = fd;

    /// <summary>
    /// Attaches <paramref name="program"/> at each of <paramref name="fileOffsets"/> in <paramref name="path"/>, in every
    /// process, or only in process <paramref name="pid"/> (the kernel then installs the probes in that process alone).
    /// </summary>
    public static unsafe UprobeMultiLink Attach(BpfProgram program, string path, IReadOnlyList<ulong> fileOffsets, bool isReturn, int? pid, string description)
    {
        var pathBytes = Encoding.UTF8.GetBytes(path + "\0");
        var offsets = fileOffsets.ToArray();
        fixed (byte* p = pathBytes)
        fixed (ulong* o = offsets)
        {
            var attr = new UprobeMultiLinkCreateAttr
            {
                ProgFd = (uint)program.Fd,
                AttachType = AttachType,
                Path = (ulong)p,
                Offsets = (ulong)o,
                Count = (uint)offsets.Length,
                Flags = isReturn ? FlagReturn : 0,
                Pid = (uint)(pid ?? 0),
            };
            var fd = Native.Bpf(BpfCommand.LinkCreate, ref attr);
            if (fd < 0)
                throw KernelException.FromLastError($"attach program {program.Name} to {description}");
            return new UprobeMultiLink(new FileDescriptor(fd));
        }
    }

    /// <summary>Detaches the program from every probe of the link.</summary>
    public void Stop() => _fd.Dispose();

    public void Dispose() => _fd.Dispose();
}
