namespace SharpTrace.Kernel;

/// <summary>enum bpf_prog_type (bpf.h), the program types a tracer loads.</summary>
internal enum BpfProgramType : uint
{
    Unspec = 0,
    SocketFilter = 1,
    Kprobe = 2,
    Tracepoint = 5,
    Xdp = 6,
    PerfEvent = 7,
    RawTracepoint = 17,
    RawTracepointWritable = 24,
    Tracing = 26,
    Syscall = 31,
}
