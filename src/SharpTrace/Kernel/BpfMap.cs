namespace SharpTrace.Kernel;

/// <summary>A BPF map owned by this process: created with BPF_MAP_CREATE, closed on Dispose.</summary>
internal sealed unsafe class BpfMap : IDisposable
{
    private static readonly Lazy<int> PossibleCpus = new(ReadPossibleCpuCount);

    private readonly FileDescriptor _fd;

    private BpfMap(FileDescriptor fd, BpfMapType type, int keySize, int valueSize, int maxEntries, string name)
    {
        _fd = fd;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Name = name;
    }

    /// <summary>The map's file descriptor, which programs reference through ld_imm64 BPF_PSEUDO_MAP_FD.</summary>
    public int Fd => _fd.Value;

    /// <summary>The map type.</summary>
    public BpfMapType Type { get; }

    /// <summary>Key size in bytes.</summary>
    public int KeySize { get; }

    /// <summary>Value size in bytes, for one CPU in per-CPU maps.</summary>
    public int ValueSize { get; }

    /// <summary>Capacity in entries (bytes for ring buffers).</summary>
    public int MaxEntries { get; }

    /// <summary>The name as given (e.g. "@x"); the kernel holds the sanitized form.</summary>
    public string Name { get; }

    /// <summary>True for maps whose lookups return one value per possible CPU.</summary>
    public bool IsPerCpu => Type is BpfMapType.PerCpuHash or BpfMapType.PerCpuArray or BpfMapType.LruPerCpuHash;

    /// <summary>Bytes a lookup writes: <see cref="ValueSize"/>, or one 8-byte-aligned slot per possible CPU.</summary>
    public int ValueBufferSize => IsPerCpu ? PerCpuValueBufferSize(ValueSize) : ValueSize;

    /// <summary>Number of possible CPUs (/sys/devices/system/cpu/possible), the slot count of per-CPU values.</summary>
    public static int PossibleCpuCount => PossibleCpus.Value;

    /// <summary>Size of a per-CPU value buffer: the value rounded up to 8 bytes, once per possible CPU.</summary>
    public static int PerCpuValueBufferSize(int valueSize) => (valueSize + 7) / 8 * 8 * PossibleCpuCount;

    /// <summary>Creates a map; <paramref name="name"/> is sanitized to the kernel's 15 characters.</summary>
    public static BpfMap Create(BpfMapType type, int keySize, int valueSize, int maxEntries, string name, uint flags = 0)
    {
        var attr = new MapCreateAttr
        {
            MapType = (uint)type,
            KeySize = (uint)keySize,
            ValueSize = (uint)valueSize,
            MaxEntries = (uint)maxEntries,
            MapFlags = flags,
        };
        ObjectName.Write(name, attr.MapName);
        var fd = Native.Bpf(BpfCommand.MapCreate, ref attr);
        if (fd < 0)
            throw KernelException.FromLastError($"create map {name}");
        return new BpfMap(new FileDescriptor(fd), type, keySize, valueSize, maxEntries, name);
    }

    /// <summary>The kernel's id for this map (as listed by <see cref="KernelObjects.LoadedMaps"/>).</summary>
    public uint Id => KernelObjects.MapInfoOf(_fd.Value, Name).Id;

    /// <summary>Copies the value for <paramref name="key"/> into <paramref name="value"/>; false if absent.</summary>
    public bool Lookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckKey(key);
        if (value.Length < ValueBufferSize)
            throw new ArgumentException($"map {Name} needs a {ValueBufferSize}-byte value buffer", nameof(value));
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd, Key = (ulong)k, ValueOrNextKey = (ulong)v };
            if (Native.Bpf(BpfCommand.MapLookupElem, ref attr) == 0)
                return true;
        }
        return Native.LastErrno == Native.Enoent ? false : throw KernelException.FromLastError($"look up in map {Name}");
    }

    /// <summary>Writes <paramref name="value"/> (all CPUs' slots for per-CPU maps) at <paramref name="key"/>.</summary>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags = 0)
    {
        CheckKey(key);
        if (value.Length < ValueBufferSize)
            throw new ArgumentException($"map {Name} needs a {ValueBufferSize}-byte value", nameof(value));
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd, Key = (ulong)k, ValueOrNextKey = (ulong)v, Flags = flags };
            if (Native.Bpf(BpfCommand.MapUpdateElem, ref attr) != 0)
                throw KernelException.FromLastError($"update map {Name}");
        }
    }

    /// <summary>Removes <paramref name="key"/>; false if it was absent.</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        fixed (byte* k = key)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd, Key = (ulong)k };
            if (Native.Bpf(BpfCommand.MapDeleteElem, ref attr) == 0)
                return true;
        }
        return Native.LastErrno == Native.Enoent ? false : throw KernelException.FromLastError($"delete from map {Name}");
    }

    /// <summary>Writes the key after <paramref name="key"/> (the first key if empty) into <paramref name="next"/>; false at the end.</summary>
    public bool GetNextKey(ReadOnlySpan<byte> key, Span<byte> next)
    {
        if (!key.IsEmpty)
            CheckKey(key);
        if (next.Length < KeySize)
            throw new ArgumentException($"map {Name} has {KeySize}-byte keys", nameof(next));
        fixed (byte* k = key)
        fixed (byte* n = next)
        {
            // A NULL key asks the kernel for the first key.
            var attr = new MapElemAttr { MapFd = (uint)Fd, Key = key.IsEmpty ? 0 : (ulong)k, ValueOrNextKey = (ulong)n };
            if (Native.Bpf(BpfCommand.MapGetNextKey, ref attr) == 0)
                return true;
        }
        return Native.LastErrno == Native.Enoent ? false : throw KernelException.FromLastError($"iterate map {Name}");
    }

    /// <summary>
    /// A snapshot of the keys. Taken eagerly, so the caller may delete while iterating; a hash map restarts
    /// get-next-key from its first key when the previous key vanished concurrently, so repeats are dropped.
    /// </summary>
    public IReadOnlyList<byte[]> Keys()
    {
        var keys = new List<byte[]>();
        var seen = new HashSet<string>();
        var current = Array.Empty<byte>();
        var next = new byte[KeySize];
        // Restarts can repeat keys; bound the walk so a map that keeps changing under us still terminates.
        for (var steps = 0L; steps <= 2L * MaxEntries + 1 && GetNextKey(current, next); steps++)
        {
            if (seen.Add(Convert.ToHexString(next)))
                keys.Add((byte[])next.Clone());
            current = (byte[])next.Clone();
        }
        return keys;
    }

    /// <summary>Makes the map read-only for user space (BPF_MAP_FREEZE); programs can still write it.</summary>
    public void Freeze()
    {
        var attr = new MapElemAttr { MapFd = (uint)Fd };
        if (Native.Bpf(BpfCommand.MapFreeze, ref attr) != 0)
            throw KernelException.FromLastError($"freeze map {Name}");
    }

    /// <summary>Closes the map; the kernel frees it once no program holds it.</summary>
    public void Dispose() => _fd.Dispose();

    private void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
            throw new ArgumentException($"map {Name} has {KeySize}-byte keys, got {key.Length}", nameof(key));
    }

    private static int ReadPossibleCpuCount() => ParseCpuList(File.ReadAllText("/sys/devices/system/cpu/possible"));

    /// <summary>Counts the CPUs in a kernel cpu list such as "0-3,8".</summary>
    internal static int ParseCpuList(string list)
    {
        var count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            count += range.Length == 2 ? int.Parse(range[1]) - int.Parse(range[0]) + 1 : 1;
        }
        return count;
    }
}
