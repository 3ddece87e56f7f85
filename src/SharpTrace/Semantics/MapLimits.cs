using System.Globalization;

namespace SharpTrace.Semantics;

/// <summary>
/// The largest maps sharptrace creates. The kernel creates a map in one system call that no signal interrupts, and
/// allocates every entry then (a per-CPU value on every CPU, one allocation each): <c>percpuarray(20000000)</c> took
/// 20 s on this two-CPU machine, <c>percpuarray(100000000)</c> minutes and 3.2 GB. A larger map is one error before
/// anything is created.
/// </summary>
internal static class MapLimits
{
    /// <summary>Entries of a map whose values are shared by the CPUs (a hash).</summary>
    public const int MaxEntries = 1 << 24;

    /// <summary>Entries of a map with a value per CPU (aggregations, <c>percpuarray</c>): about a second per million here.</summary>
    public const int MaxPerCpuEntries = 1 << 22;

    /// <summary>Kernel memory of one map's keys and values (every CPU's for per-CPU values).</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>Why <paramref name="map"/>, of <paramref name="entries"/> entries, is too large to create, or null.</summary>
    public static string? Problem(MapSymbol map, long entries, int possibleCpus)
    {
        var perCpu = map.IsAggregation || map.IsPerCpuArray;
        var limit = perCpu ? MaxPerCpuEntries : MaxEntries;
        if (entries > limit)
            return $"{map.Name} asks for {Count(entries)} entries: a map {(perCpu ? "with a value per CPU " : "")}holds at most {Count(limit)} here " +
                $"(the kernel allocates every entry{(perCpu ? " on every CPU" : "")} when it creates the map, in one system call no signal interrupts)";
        var keyBytes = map.IsPerCpuArray ? 0L : map.StoredKeySize;
        var valueBytes = (long)map.StoredValueSize * (perCpu ? possibleCpus : 1);
        var bytes = entries * (keyBytes + valueBytes);
        if (bytes <= MaxBytes)
            return null;
        var each = perCpu ? $"{keyBytes} bytes of key and {map.StoredValueSize} of value on each of {possibleCpus} CPUs" : $"{keyBytes + valueBytes} bytes";
        return $"{map.Name} needs {Gib(bytes)} of kernel memory ({Count(entries)} entries of {each}): a map takes at most {Gib(MaxBytes)} here";
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB";
}
