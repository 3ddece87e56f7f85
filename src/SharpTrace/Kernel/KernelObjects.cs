namespace SharpTrace.Kernel;

/// <summary>What BPF programs and maps the whole system has loaded, e.g. to check that nothing leaked.</summary>
internal static unsafe class KernelObjects
{
    /// <summary>Every loaded BPF program's id and kernel-side name.</summary>
    public static IReadOnlyList<(uint Id, string Name)> LoadedPrograms() =>
        Enumerate(BpfCommand.ProgGetNextId, BpfCommand.ProgGetFdById, "program", fd => ProgramInfoOf(fd, "by id"));

    /// <summary>Every loaded BPF map's id and kernel-side name.</summary>
    public static IReadOnlyList<(uint Id, string Name)> LoadedMaps() =>
        Enumerate(BpfCommand.MapGetNextId, BpfCommand.MapGetFdById, "map", fd => MapInfoOf(fd, "by id"));

    /// <summary>Every loaded BPF program's id, without opening any program.</summary>
    public static IReadOnlyList<uint> LoadedProgramIds() => Ids(BpfCommand.ProgGetNextId, "program");

    /// <summary>
    /// Every loaded BPF map's id, without opening any map. Opening a map by id (<see cref="LoadedMaps"/>, <c>bpftool
    /// map show</c>) takes a user reference: a prog_array whose last fd has just closed gets a second release of its
    /// last user reference when that opener closes, and if the kernel's deferred clear of the first is still queued
    /// the kernel keeps the table for good (docs/reliability.md). A leak check that waits for such a table must not open it.
    /// </summary>
    public static IReadOnlyList<uint> LoadedMapIds() => Ids(BpfCommand.MapGetNextId, "map");

    internal static (uint Id, string Name) ProgramInfoOf(int fd, string what)
    {
        var info = new ProgInfo();
        GetInfo(fd, &info, sizeof(ProgInfo), $"get info of program {what}");
        return (info.Id, ObjectName.Read(info.Name));
    }

    internal static (uint Id, string Name) MapInfoOf(int fd, string what)
    {
        var info = new MapInfo();
        GetInfo(fd, &info, sizeof(MapInfo), $"get info of map {what}");
        return (info.Id, ObjectName.Read(info.Name));
    }

    private static void GetInfo(int fd, void* info, int size, string operation)
    {
        var attr = new ObjInfoAttr { BpfFd = (uint)fd, InfoLen = (uint)size, Info = (ulong)info };
        if (Native.Bpf(BpfCommand.ObjGetInfoByFd, ref attr) != 0)
            throw KernelException.FromLastError(operation);
    }

    private static List<uint> Ids(BpfCommand nextId, string kind)
    {
        var ids = new List<uint>();
        var attr = new GetIdAttr();
        while (Native.Bpf(nextId, ref attr) == 0)
        {
            ids.Add(attr.NextId);
            attr = new GetIdAttr { StartId = attr.NextId };
        }
        if (Native.LastErrno != Native.Enoent) // ENOENT: past the last id
            throw KernelException.FromLastError($"list {kind}s");
        return ids;
    }

    private static List<(uint Id, string Name)> Enumerate(
        BpfCommand nextId, BpfCommand fdById, string kind, Func<int, (uint Id, string Name)> info)
    {
        var objects = new List<(uint, string)>();
        foreach (var id in Ids(nextId, kind))
        {
            var byId = new GetIdAttr { StartId = id };
            var fd = Native.Bpf(fdById, ref byId);
            if (fd >= 0)
            {
                using var handle = new FileDescriptor(fd);
                objects.Add(info(handle.Value));
            }
            else if (Native.LastErrno != Native.Enoent) // ENOENT: unloaded since we saw its id
            {
                throw KernelException.FromLastError($"open {kind} {id}");
            }
        }
        return objects;
    }
}
