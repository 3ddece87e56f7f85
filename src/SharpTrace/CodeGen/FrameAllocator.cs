using SharpTrace.Lowering;

namespace SharpTrace.CodeGen;

/// <summary>
/// Lays out the stack frame: each slot gets an 8-byte aligned offset from r10; slots whose lifetimes do not overlap
/// share space. Placement is first fit, slots taken in order of first use.
/// </summary>
internal static class FrameAllocator
{
    /// <summary>The eBPF stack limit.</summary>
    public const int StackLimit = 512;

    /// <summary>Each slot's offset from r10 (negative), and the bytes the frame needs.</summary>
    public static (Dictionary<Slot, int> Offsets, int FrameSize) Allocate(IReadOnlyDictionary<Slot, LiveInterval> slots)
    {
        var placed = new List<(LiveInterval Interval, int Low, int High)>();
        var offsets = new Dictionary<Slot, int>();
        var frame = 0;
        foreach (var (slot, interval) in slots.OrderBy(p => p.Value.Start).ThenBy(p => p.Key.Id))
        {
            var size = (slot.Size + 7) & ~7;
            var conflicts = placed.Where(p => p.Interval.Overlaps(interval)).OrderBy(p => p.Low).ToList();
            // Bytes counted down from r10: a slot occupies [low, low + size).
            var low = 0;
            foreach (var (_, l, h) in conflicts)
            {
                if (low + size <= l)
                    break;
                low = Math.Max(low, h);
            }
            placed.Add((interval, low, low + size));
            offsets[slot] = -(low + size);
            frame = Math.Max(frame, low + size);
        }
        return (offsets, frame);
    }
}
