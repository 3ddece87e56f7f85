using System.Runtime.InteropServices;

namespace SharpTrace.Kernel;

/// <summary>libc entry points and raw system calls; every kernel call in SharpTrace goes through here.</summary>
internal static unsafe partial class Native
{
    private const string Libc = "libc";

    public const int ProtNone = 0x0;
    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int MapShared = 0x01;
    public const int MapPrivate = 0x02;
    public const int MapFixed = 0x10;
    public const int MapAnonymous = 0x20;
    public const int EpollCloexec = 0x80000;
    public const int EpollCtlAdd = 1;
    public const uint EpollIn = 0x001;
    public const int Eintr = 4;
    public const int Enoent = 2;
    public const int Enospc = 28;

    // Only the calls glibc has no wrapper for; the numbers differ per architecture.
    private static long BpfNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var other => throw new PlatformNotSupportedException($"bpf() on {other}"),
    };

    private static long PerfEventOpenNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 => 241,
        var other => throw new PlatformNotSupportedException($"perf_event_open() on {other}"),
    };

    private static long GetTidNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 186,
        Architecture.Arm64 => 178,
        var other => throw new PlatformNotSupportedException($"gettid() on {other}"),
    };

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2, long a3, long a4, long a5);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, nint argument);

    [LibraryImport(Libc, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Libc, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport(Libc, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport(Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epollFd, int operation, int fd, EpollEvent* eventToWatch);

    [LibraryImport(Libc, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epollFd, EpollEvent* events, int maxEvents, int timeoutMs);

    [LibraryImport(Libc, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string source, string target, string fileSystemType, ulong flags, string? data);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, long* time);

    public const int ClockRealtime = 0;
    public const int ClockMonotonic = 1;

    /// <summary>A clock in nanoseconds; CLOCK_MONOTONIC is the kernel's bpf_ktime_get_ns.</summary>
    public static long ClockNanoseconds(int clock)
    {
        var time = stackalloc long[2];
        if (ClockGetTime(clock, time) != 0)
            throw new InvalidOperationException($"clock_gettime({clock}) failed");
        return time[0] * 1_000_000_000 + time[1];
    }

    [LibraryImport(Libc, EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport(Libc, EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);

    /// <summary>The page size, which ring buffer mappings are counted in.</summary>
    public static int PageSize => (int)Sysconf(30 /* _SC_PAGESIZE */);

    /// <summary>The calling thread's kernel task id (what bpf_get_current_pid_tgid reports in its low half).</summary>
    public static int GetTid() => (int)Syscall(GetTidNumber, 0, 0, 0, 0, 0);

    /// <summary>bpf(cmd, attr, sizeof attr): returns the result or -1 with errno set.</summary>
    public static int Bpf<TAttr>(BpfCommand command, ref TAttr attr) where TAttr : unmanaged
    {
        fixed (TAttr* p = &attr)
            return (int)Syscall(BpfNumber, (long)command, (long)p, sizeof(TAttr), 0, 0);
    }

    /// <summary>perf_event_open(attr, pid, cpu, group_fd, flags).</summary>
    public static int PerfEventOpen(ref PerfEventAttr attr, int pid, int cpu, int groupFd, ulong flags)
    {
        fixed (PerfEventAttr* p = &attr)
            return (int)Syscall(PerfEventOpenNumber, (long)p, pid, cpu, groupFd, (long)flags);
    }

    /// <summary>errno of the last failed call on this thread.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();
}

/// <summary>
/// struct epoll_event: packed (12 bytes) on x86_64, 16 bytes on arm64. We never use the data word, so one
/// 16-byte zeroed layout serves both.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct EpollEvent
{
    [FieldOffset(0)] public uint Events;
}

/// <summary>enum bpf_cmd (bpf.h).</summary>
internal enum BpfCommand
{
    MapCreate = 0,
    MapLookupElem = 1,
    MapUpdateElem = 2,
    MapDeleteElem = 3,
    MapGetNextKey = 4,
    ProgLoad = 5,
    ProgTestRun = 10,
    ProgGetNextId = 11,
    MapGetNextId = 12,
    ProgGetFdById = 13,
    MapGetFdById = 14,
    ObjGetInfoByFd = 15,
    RawTracepointOpen = 17,
    BtfLoad = 18,
    MapFreeze = 22,
    MapLookupBatch = 24,
    LinkCreate = 28,
    ObjPin = 6,
    IterCreate = 33,
}
