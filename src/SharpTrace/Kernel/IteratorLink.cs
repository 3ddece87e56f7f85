using System.Text;
using SharpTrace.Kernel.Btf;

namespace SharpTrace.Kernel;

/// <summary>
/// A program attached to a BPF iterator (BPF_LINK_CREATE with BPF_TRACE_ITER): nothing runs until the iterator is
/// read. Each <see cref="Read"/> opens a new iteration (BPF_ITER_CREATE) and reads its text until the kernel has
/// visited every object; <see cref="Pin"/> leaves the link in bpffs, where every read of the file runs it again.
/// </summary>
internal sealed unsafe class IteratorLink : IProbeAttachment
{
    /// <summary>BPF_TRACE_ITER (enum bpf_attach_type), the expected attach type of an iterator program.</summary>
    public const uint AttachType = 28;

    /// <summary>Where bpffs is mounted; pins with a relative path go here.</summary>
    public const string BpffsRoot = "/sys/fs/bpf";

    private readonly FileDescriptor _fd;

    private IteratorLink(FileDescriptor fd, string description, string pinPath)
    {
        _fd = fd;
        Description = description;
        PinPath = pinPath;
    }

    /// <summary>The attach point, for messages.</summary>
    public string Description { get; }

    /// <summary>Where the script asks for the link to be pinned (<c>iter:task:PIN</c>), or "" to read it.</summary>
    public string PinPath { get; }

    /// <summary>
    /// Attaches <paramref name="program"/> (loaded with <see cref="AttachType"/> and the iterator's BTF function) to its
    /// iterator; with <paramref name="pid"/>, a task iterator visits only that process's tasks. <paramref name="pinPath"/>
    /// is kept for the session (<see cref="PinPath"/>).
    /// </summary>
    public static IteratorLink Create(BpfProgram program, string description, int? pid, string pinPath = "")
    {
        // union bpf_iter_link_info: task.tid, task.pid, task.pid_fd (the largest member, cgroup's, is 16 bytes).
        var info = stackalloc uint[4];
        info[1] = (uint)(pid ?? 0);
        var attr = new IterLinkCreateAttr { ProgFd = (uint)program.Fd, AttachType = AttachType };
        if (pid is not null)
        {
            attr.IterInfo = (ulong)info;
            attr.IterInfoLength = 16;
        }
        var fd = Native.Bpf(BpfCommand.LinkCreate, ref attr);
        if (fd < 0)
            throw KernelException.FromLastError($"attach program {program.Name} to {description}");
        return new IteratorLink(new FileDescriptor(fd), description, pinPath);
    }

    /// <summary>The BTF id of the function <c>bpf_iter_NAME</c> an iterator program attaches to, or 0 when the kernel has none.</summary>
    public static uint FunctionId(string iterator) => FunctionIds([iterator]).GetValueOrDefault(iterator);

    /// <summary>The BTF ids of the functions <c>bpf_iter_NAME</c> of <paramref name="iterators"/> the kernel has, by iterator.</summary>
    public static Dictionary<string, uint> FunctionIds(IReadOnlyCollection<string> iterators)
    {
        var found = new Dictionary<string, uint>(StringComparer.Ordinal);
        if (!File.Exists(BtfFile.VmlinuxPath))
            return found;
        var btf = BtfFile.Load();
        var wanted = iterators.ToDictionary(i => "bpf_iter_" + i, StringComparer.Ordinal);
        for (var id = 1; id <= btf.TypeCount && found.Count < wanted.Count; id++)
        {
            var type = btf[id];
            if (type.Kind == BtfKind.Func && wanted.TryGetValue(type.Name, out var iterator))
                found.TryAdd(iterator, (uint)id);
        }
        return found;
    }

    /// <summary>
    /// Which of <paramref name="iterators"/> this kernel loads an iterator program for (a program returning 0, as
    /// bpftrace's feature check loads), by iterator.
    /// </summary>
    public static Dictionary<string, bool> Loadable(IReadOnlyCollection<string> iterators)
    {
        var ids = FunctionIds(iterators);
        ReadOnlySpan<ulong> returnZero = [0xb7 /* r0 = 0 */, 0x95 /* exit */];
        var loads = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var iterator in iterators)
        {
            try
            {
                using var program = BpfProgram.Load(BpfProgramType.Tracing, returnZero, "feature", attachBtfId: ids.GetValueOrDefault(iterator),
                    expectedAttachType: AttachType);
                loads[iterator] = true;
            }
            catch (KernelException)
            {
                loads[iterator] = false;
            }
        }
        return loads;
    }

    /// <summary>Runs one iteration, handing each chunk of its text to <paramref name="text"/> until the end.</summary>
    public void Read(Action<string> text)
    {
        var attr = new IterCreateAttr { LinkFd = (uint)_fd.Value };
        var iteratorFd = Native.Bpf(BpfCommand.IterCreate, ref attr);
        if (iteratorFd < 0)
            throw KernelException.FromLastError($"open iterator {Description}");
        using var iterator = new FileDescriptor(iteratorFd);
        var buffer = new byte[16384];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            nint count;
            fixed (byte* b = buffer)
                count = Native.Read(iteratorFd, b, (nuint)buffer.Length);
            if (count < 0 && Native.LastErrno == Native.Eintr)
                continue;
            if (count < 0)
                throw KernelException.FromLastError($"read iterator {Description}");
            if (count == 0)
                return;
            var length = decoder.GetChars(buffer, 0, (int)count, chars, 0);
            text(new string(chars, 0, length));
        }
    }

    /// <summary>
    /// Pins the link at <paramref name="path"/> (under <see cref="BpffsRoot"/> when relative), mounting bpffs there if
    /// it is not; returns the full path. The pinned iterator outlives this process until the file is removed.
    /// </summary>
    public string Pin(string path)
    {
        var full = path.StartsWith('/') ? path : $"{BpffsRoot}/{path}";
        EnsureBpffs();
        var bytes = Encoding.UTF8.GetBytes(full + "\0");
        fixed (byte* p = bytes)
        {
            var attr = new ObjPinAttr { Pathname = (ulong)p, BpfFd = (uint)_fd.Value };
            if (Native.Bpf(BpfCommand.ObjPin, ref attr) != 0)
                throw KernelException.FromLastError($"pin iterator {Description} to {full}");
        }
        return full;
    }

    private static void EnsureBpffs()
    {
        var mounted = File.ReadLines("/proc/self/mounts").Any(line => line.Split(' ') is [_, BpffsRoot, "bpf", ..]);
        if (!mounted && Directory.Exists(BpffsRoot))
            Native.Mount("bpf", BpffsRoot, "bpf", 0, null);
    }

    /// <summary>Detaches the program (a pinned link stays until its file is removed).</summary>
    public void Stop() => _fd.Dispose();

    public void Dispose() => _fd.Dispose();
}
