using System.Buffers.Binary;
using SharpTrace.Lowering;
using SharpTrace.Kernel;

namespace SharpTrace.Runtime;

/// <summary>
/// Warns (a <see cref="WarningEvent"/>, on stderr in the CLI) when a script map was full and refused updates: the BPF programs count each refusal in a
/// per-CPU array slot per map; this sums the CPUs and names the map. bpftrace drops such updates silently.
/// </summary>
internal sealed class DroppedUpdates(BpfMap counters, IReadOnlyList<MapDefinition> maps, Action<string> warn)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly Dictionary<int, ulong> _reported = [];
    private DateTime _lastCheck = DateTime.UtcNow;

    /// <summary>At most once a second while tracing: warns about maps that dropped updates since the last warning.</summary>
    public void CheckPeriodically()
    {
        if (DateTime.UtcNow - _lastCheck < Interval)
            return;
        _lastCheck = DateTime.UtcNow;
        Report(atExit: false);
    }

    /// <summary>At exit: one line per map that ever dropped an update, with the total.</summary>
    public void ReportAtExit() => Report(atExit: true);

    private void Report(bool atExit)
    {
        var value = new byte[8 * BpfMap.PossibleCpuCount];
        var key = new byte[4];
        foreach (var map in maps)
        {
            var index = map.Symbol!.Index;
            BinaryPrimitives.WriteInt32LittleEndian(key, index);
            if (!counters.Lookup(key, value))
                continue;
            ulong dropped = 0;
            for (var i = 0; i < value.Length; i += 8)
                dropped += BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(i));
            _reported.TryGetValue(index, out var reported);
            if (dropped == 0 || (!atExit && dropped == reported))
                continue;
            _reported[index] = dropped;
            var updates = dropped == 1 ? "1 update was" : $"{dropped} updates were";
            if (map.Symbol.IsPerCpuArray)
            {
                // An array is never full: these updates named an index outside it.
                warn($"{map.Symbol.Name} is percpuarray({map.MaxEntries}): {updates} dropped {(atExit ? "in total" : "so far")} because the index was outside 0..{map.MaxEntries - 1}");
                continue;
            }
            warn(atExit
                ? $"{map.Symbol.Name} was full ({map.MaxEntries} entries): {updates} dropped in total. Raise max_map_keys or declare the map larger, e.g. let {map.Symbol.Name} = hash({map.MaxEntries * 2});"
                : $"{map.Symbol.Name} is full ({map.MaxEntries} entries): {updates} dropped so far");
        }
    }
}
