using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>
/// One line of folded stacks: the frames from the root (outermost caller) to the leaf, and the weight of that path
/// (a count of samples, or the sum the map added up).
/// </summary>
internal sealed record FoldedStack(IReadOnlyList<string> Frames, long Count)
{
    /// <summary>The line as flame graph tools read it: <c>main;outer;inner 12</c> (no newline).</summary>
    public override string ToString() =>
        string.Join(';', Frames) + " " + Count.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public bool Equals(FoldedStack? other) => other is not null && Count == other.Count && Frames.SequenceEqual(other.Frames, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Sequence.Hash(Frames), Count);
}

/// <summary>
/// Turns maps keyed by stacks into folded stacks (docs/stacks.md), the input of flame graphs: each entry becomes
/// one path of frames, root first, weighted by its value.
/// </summary>
/// <remarks>
/// A key's parts become frames in this order, whatever their order in the key: the parts that are not stacks (a
/// <c>comm</c>, a <c>pid</c>, as text prints them), then user stacks, then kernel stacks, each stack outermost frame
/// first. That is the order of the calls themselves: a process runs user code, which enters the kernel. A frame is
/// the function's name without its offset (and, in perf mode, without its module); a frame no symbol names is
/// <c>[unknown]</c>, and in raw mode the address in hex. Entries whose frames come out the same (stacks that
/// differ only in offsets) are added together.
/// </remarks>
internal static class FoldedStacks
{
    /// <summary>The frame of a key whose stacks have no frames at all (<c>kstack</c> sampled in user space).</summary>
    public const string NoFrames = "[no frames]";

    /// <summary>The frame of an address no symbol holds.</summary>
    public const string Unknown = "[unknown]";

    /// <summary>
    /// True when the map can be folded: a keyed map with entries, a stack in every key, and numeric values (count,
    /// sum, min, max, avg, stats, hist, lhist, integers).
    /// </summary>
    public static bool CanFold(MapSnapshot map) =>
        !map.IsScalar && map.Entries.Count > 0
        && map.Entries.All(e => e.Key.Any(k => k is StackValue) && Weight(e.Value, 1) is not null);

    /// <summary>
    /// The folded stacks of one map, sorted by their frames: of its <paramref name="top"/> largest entries (0: all),
    /// with values divided by <paramref name="div"/> (0 or 1: as they are). Empty when <see cref="CanFold"/> is false.
    /// </summary>
    public static IReadOnlyList<FoldedStack> Fold(MapSnapshot map, uint top = 0, uint div = 0) =>
        CanFold(map) ? Merge(map.EntriesInPrintOrder(top).Select(e => new FoldedStack(Frames(e.Key), Weight(e.Value, Math.Max(div, 1))!.Value))) : [];

    /// <summary>
    /// The folded stacks of every map that can be folded. With more than one such map, each line starts with its
    /// map's name (<c>@reads;main;read 4</c>) so that the maps stay apart in one flame graph.
    /// </summary>
    public static IReadOnlyList<FoldedStack> FoldAll(IEnumerable<MapSnapshot> maps)
    {
        var folded = maps.Where(CanFold).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        if (folded.Count == 1)
            return Fold(folded[0]);
        return Merge(folded.SelectMany(m => Fold(m).Select(s => s with { Frames = [m.Name, .. s.Frames] })));
    }

    /// <summary>The lines of <paramref name="stacks"/>, each ended by a newline.</summary>
    public static string Format(IEnumerable<FoldedStack> stacks)
    {
        var text = new StringBuilder();
        foreach (var stack in stacks)
            text.Append(stack).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// Reads folded lines (<c>a;b;c 12</c>), as flame graph tools do: the count is the last word; blank lines are
    /// skipped; a line without a count is an error naming its number.
    /// </summary>
    public static IReadOnlyList<FoldedStack> Parse(string text)
    {
        var stacks = new List<FoldedStack>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0)
                continue;
            var space = line.LastIndexOf(' ');
            if (space <= 0 || !long.TryParse(line.AsSpan(space + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count))
                throw new FormatException($"line {i + 1}: expected 'frame;frame;... count', got '{line}'");
            stacks.Add(new FoldedStack(line[..space].TrimEnd().Split(';'), count));
        }
        return stacks;
    }

    /// <summary>The frames of one key, root first (see the remarks on the class).</summary>
    public static IReadOnlyList<string> Frames(IReadOnlyList<RuntimeValue> key)
    {
        var frames = new List<string>();
        foreach (var part in key.Where(k => k is not StackValue))
            frames.Add(Clean(TextOutputWriter.FormatValue(part)));
        var stacks = key.OfType<StackValue>().ToList();
        foreach (var stack in stacks.Where(s => !IsKernel(s)).Concat(stacks.Where(IsKernel)))
            frames.AddRange(stack.Frames.Reverse().Select(f => FrameName(f, stack.Mode)));
        if (frames.Count == 0 || stacks.All(s => s.Frames.Count == 0))
            frames.Add(NoFrames);
        return frames;
    }

    /// <summary>
    /// A frame as folded stacks show it: <c>do_syscall_64</c> for <c>do_syscall_64+527</c>, <c>main</c> for perf
    /// mode's <c>main+4 (/usr/bin/prog)</c>, <see cref="Unknown"/> for an address no symbol holds, the address in hex
    /// in raw mode, the build id and offset as printed in build_id mode. <c>;</c> (the separator) becomes <c>:</c>, and control characters <c>?</c>.
    /// </summary>
    public static string FrameName(StackFrame frame, StackMode mode)
    {
        var symbol = frame.Symbol;
        if (mode == StackMode.BuildId)
            return Clean(symbol);
        if (mode == StackMode.Raw || symbol.Length == 0)
            return "0x" + frame.Address.ToString("x", CultureInfo.InvariantCulture);
        var module = symbol.LastIndexOf(" (", StringComparison.Ordinal);
        if (mode == StackMode.Perf && module > 0 && symbol.EndsWith(')'))
            symbol = symbol[..module];
        if (symbol.StartsWith("0x", StringComparison.Ordinal))
            return Unknown;
        var plus = symbol.LastIndexOf('+');
        if (plus > 0 && plus < symbol.Length - 1 && symbol.AsSpan(plus + 1).ContainsAnyExcept("0123456789") is false)
            symbol = symbol[..plus];
        return Clean(symbol);
    }

    // Kernel addresses are in the upper half of the address space (x86-64, arm64): a stack whose frames are there is
    // a kernel stack.
    private static bool IsKernel(StackValue stack) => stack.Frames.Count > 0 && stack.Frames[0].Address >= 0x8000_0000_0000_0000;

    private static string Clean(string frame)
    {
        if (!frame.AsSpan().ContainsAny(Unsafe))
            return frame;
        var text = new StringBuilder(frame.Length);
        foreach (var c in frame)
            text.Append(c == ';' ? ':' : char.IsControl(c) ? '?' : c);
        return text.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        ";\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    // What an entry weighs in a flame graph: its count or sum; avg its average; stats its total; a histogram the
    // values it counted. Null for values that are no number (strings, tuples, stacks).
    private static long? Weight(RuntimeValue value, uint div) => value switch
    {
        CountValue c => Saturate(c.Value / div),
        SumValue s => s.Value / div,
        MinValue m => m.Value / div,
        MaxValue m => m.Value / div,
        AvgValue a => a.Average / div,
        StatsValue s => s.Total / div,
        IntegerValue { IsSigned: true } i => i.Value / div,
        IntegerValue i => Saturate((ulong)i.Value / div),
        HistValue h => Saturate(Sequence.Sum(h.Buckets) / div),
        LinearHistValue l => Saturate(Sequence.Sum(l.Buckets) / div),
        _ => null,
    };

    private static long Saturate(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    // Entries that fold to the same frames add up; the result is sorted by frames, so output does not depend on the
    // order the kernel returned the entries in.
    private static List<FoldedStack> Merge(IEnumerable<FoldedStack> stacks)
    {
        var merged = new Dictionary<string, FoldedStack>(StringComparer.Ordinal);
        foreach (var stack in stacks)
        {
            var path = string.Join(';', stack.Frames);
            merged[path] = merged.TryGetValue(path, out var seen) ? seen with { Count = seen.Count + stack.Count } : stack;
        }
        return merged.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Value).ToList();
    }
}
