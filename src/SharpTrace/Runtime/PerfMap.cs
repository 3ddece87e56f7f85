using System.Globalization;

namespace SharpTrace.Runtime;

/// <summary>
/// The symbols a just-in-time compiler wrote for its code into <c>/tmp/perf-PID.map</c> (.NET with
/// <c>DOTNET_PerfMapEnabled=1</c>, Node with <c>--perf-basic-prof</c>, Java agents): one line per piece of code,
/// <c>START SIZE name</c>, start and size in hex with or without <c>0x</c>. Code that was compiled again shows up
/// again further down, so a later line wins where ranges overlap.
/// </summary>
internal sealed class PerfMap
{
    private readonly (ulong Start, ulong End, string Name, int Line)[] _symbols;
    private readonly ulong[] _starts;

    private PerfMap((ulong Start, ulong End, string Name, int Line)[] symbols)
    {
        _symbols = symbols;
        _starts = [.. symbols.Select(s => s.Start)];
    }

    /// <summary>A map with no symbols (no file, or nothing in it).</summary>
    public static PerfMap Empty { get; } = new([]);

    /// <summary>How many lines of the file were read; a reader reads the file again once it has grown.</summary>
    public long Length { get; private init; }

    /// <summary>The path a JIT writes process <paramref name="pid"/>'s map to.</summary>
    public static string PathOf(int pid) => $"/tmp/perf-{pid.ToString(CultureInfo.InvariantCulture)}.map";

    /// <summary>The map of process <paramref name="pid"/>; empty when it has none (or it cannot be read).</summary>
    public static PerfMap Read(int pid)
    {
        try
        {
            using var stream = new FileStream(PathOf(pid), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var map = Parse(reader);
            return new PerfMap(map._symbols) { Length = stream.Length };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Empty;
        }
    }

    /// <summary>The size of process <paramref name="pid"/>'s map file now (0 when it has none).</summary>
    public static long CurrentLength(int pid)
    {
        try
        {
            return new FileInfo(PathOf(pid)).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Parses the lines of a perf map; lines that are not <c>START SIZE name</c> are skipped.</summary>
    public static PerfMap Parse(TextReader reader)
    {
        var symbols = new List<(ulong Start, ulong End, string Name, int Line)>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ', 3, StringSplitOptions.None);
            if (parts.Length < 3 || !Hex(parts[0], out var start) || !Hex(parts[1], out var size) || size == 0)
                continue;
            var name = parts[2].Trim();
            if (name.Length > 0)
                symbols.Add((start, start + size, name, symbols.Count));
        }
        symbols.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Line.CompareTo(b.Line));
        return new PerfMap([.. symbols]);
    }

    /// <summary>The name and offset of the code holding <paramref name="address"/>, or null.</summary>
    public (string Name, ulong Offset)? Resolve(ulong address)
    {
        var index = Array.BinarySearch(_starts, address);
        if (index < 0)
            index = ~index - 1;
        else
            while (index + 1 < _starts.Length && _starts[index + 1] == address)
                index++;
        // Ranges may overlap (code freed and reused): of the few that start at or below the address and hold it,
        // the one written last.
        (string Name, ulong Offset)? found = null;
        var newest = -1;
        for (var i = index; i >= 0 && i >= index - 16; i--)
        {
            var (start, end, name, line) = _symbols[i];
            if (address >= start && address < end && line > newest)
                (found, newest) = ((name, address - start), line);
        }
        return found;
    }

    private static bool Hex(string text, out ulong value) => ulong.TryParse(
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text,
        NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
}
