using System.Text;
using SharpTrace.Bpf;

namespace SharpTrace.Kernel;

/// <summary>BTF describing a program's functions; the verifier needs it for subprogram callbacks (bpf_loop, bpf_for_each_map_elem).</summary>
internal sealed record BtfFuncInfo(BpfBtf Btf, IReadOnlyList<BpfFuncInfo> Functions);

/// <summary>A BPF program loaded by this process (BPF_PROG_LOAD), unloaded on Dispose once nothing is attached.</summary>
internal sealed unsafe class BpfProgram : IDisposable
{
    private readonly FileDescriptor _fd;

    private BpfProgram(FileDescriptor fd, BpfProgramType type, string name, uint expectedAttachType)
    {
        _fd = fd;
        Type = type;
        Name = name;
        ExpectedAttachType = expectedAttachType;
    }

    /// <summary>The program's file descriptor.</summary>
    public int Fd => _fd.Value;

    /// <summary>The program type.</summary>
    public BpfProgramType Type { get; }

    /// <summary>The expected attach type it was loaded with (enum bpf_attach_type; 0 when none was asked for).</summary>
    public uint ExpectedAttachType { get; }

    /// <summary>The name as given (e.g. "tracepoint:syscalls:sys_enter_openat"); the kernel holds the sanitized form.</summary>
    public string Name { get; }

    /// <summary>The kernel's id for this program (as listed by <see cref="KernelObjects.LoadedPrograms"/>).</summary>
    public uint Id => KernelObjects.ProgramInfoOf(_fd.Value, Name).Id;

    /// <summary>
    /// Loads raw 8-byte instructions. If the kernel refuses, loads again with a verifier log and throws a
    /// <see cref="BpfLoadException"/> carrying it. <paramref name="attachBtfId"/> is the kernel BTF type a tracing
    /// program attaches to (an iterator's <c>bpf_iter_NAME</c>), 0 for none.
    /// </summary>
    public static BpfProgram Load(BpfProgramType type, ReadOnlySpan<ulong> instructions, string name,
        string license = "GPL", uint expectedAttachType = 0, BtfFuncInfo? funcInfo = null, uint attachBtfId = 0)
    {
        var request = new LoadRequest(type, name, license, expectedAttachType, funcInfo, attachBtfId);
        var fd = request.TryLoad(instructions, [], out var errno);
        if (fd >= 0)
            return new BpfProgram(new FileDescriptor(fd), type, name, expectedAttachType);

        // Loading with a log is slower, so only done to explain a failure. The first errno is the real
        // reason; a full log buffer (ENOSPC) just means we must grow it to see the end.
        var operation = $"load program {name}";
        for (var size = VerifierLog.InitialSize; ; size *= 4)
        {
            var log = new byte[size];
            fd = request.TryLoad(instructions, log, out var logErrno);
            if (fd >= 0)
                return new BpfProgram(new FileDescriptor(fd), type, name, expectedAttachType);
            if (logErrno != Native.Enospc || size >= VerifierLog.MaxSize)
                throw new BpfLoadException(operation, logErrno == Native.Enospc ? errno : logErrno, VerifierLog.Text(log));
        }
    }

    /// <summary>
    /// Runs the program once on the current CPU in this thread's context (BPF_PROG_TEST_RUN) and returns
    /// its r0. For raw_tracepoint programs (BEGIN/END) the context is the tracepoint's u64 arguments: at
    /// most 12 of them, and at least as many bytes as the program reads; empty is fine for a program that
    /// reads none.
    /// </summary>
    public uint TestRun(ReadOnlySpan<byte> context = default)
    {
        fixed (byte* c = context)
        {
            var attr = new TestRunAttr { ProgFd = (uint)Fd, CtxIn = (ulong)c, CtxSizeIn = (uint)context.Length };
            if (Native.Bpf(BpfCommand.ProgTestRun, ref attr) != 0)
                throw KernelException.FromLastError($"run program {Name}");
            return attr.Retval;
        }
    }

    /// <summary>
    /// Runs a program that takes packet data (XDP) <paramref name="repeat"/> times in the kernel with
    /// <paramref name="data"/> as its packet; returns the last run's return value and the average nanoseconds of a run.
    /// </summary>
    public (uint Retval, uint Nanoseconds) TestRunRepeated(ReadOnlySpan<byte> data, uint repeat)
    {
        fixed (byte* d = data)
        {
            var attr = new TestRunAttr { ProgFd = (uint)Fd, DataIn = (ulong)d, DataSizeIn = (uint)data.Length, Repeat = repeat };
            if (Native.Bpf(BpfCommand.ProgTestRun, ref attr) != 0)
                throw KernelException.FromLastError($"run program {Name}");
            return (attr.Retval, attr.Duration);
        }
    }

    /// <summary>Closes the program; the kernel unloads it once it is also detached.</summary>
    public void Dispose() => _fd.Dispose();

    private readonly record struct LoadRequest(
        BpfProgramType Type, string Name, string License, uint ExpectedAttachType, BtfFuncInfo? FuncInfo, uint AttachBtfId)
    {
        public int TryLoad(ReadOnlySpan<ulong> instructions, byte[] log, out int errno)
        {
            var license = Encoding.ASCII.GetBytes(License + "\0");
            var records = FuncInfo?.Functions.ToArray() ?? [];
            fixed (ulong* insns = instructions)
            fixed (byte* l = license)
            fixed (byte* logBuffer = log)
            fixed (BpfFuncInfo* functions = records)
            {
                var attr = new ProgLoadAttr
                {
                    ProgType = (uint)Type,
                    InsnCount = (uint)instructions.Length,
                    Insns = (ulong)insns,
                    License = (ulong)l,
                    LogLevel = log.Length > 0 ? 1u : 0u,
                    LogSize = (uint)log.Length,
                    LogBuf = (ulong)logBuffer,
                    ExpectedAttachType = ExpectedAttachType,
                    AttachBtfId = AttachBtfId,
                };
                ObjectName.Write(Name, attr.ProgName);
                if (FuncInfo is not null)
                {
                    attr.ProgBtfFd = (uint)FuncInfo.Btf.Fd;
                    attr.FuncInfoRecSize = (uint)sizeof(BpfFuncInfo);
                    attr.FuncInfo = (ulong)functions;
                    attr.FuncInfoCount = (uint)records.Length;
                }
                var fd = Native.Bpf(BpfCommand.ProgLoad, ref attr);
                errno = fd < 0 ? Native.LastErrno : 0;
                return fd;
            }
        }
    }
}
