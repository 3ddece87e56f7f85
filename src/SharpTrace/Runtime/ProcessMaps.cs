using System.Globalization;

namespace SharpTrace.Runtime;

/// <summary>One file-backed mapping of a process (a line of <c>/proc/PID/maps</c>): addresses, file offset, path.</summary>
internal sealed record ProcessMapping(ulong Start, ulong End, ulong FileOffset, string Path);

/// <summary>The file-backed mappings of a process, read from <c>/proc/PID/maps</c>.</summary>
internal sealed class ProcessMaps(IReadOnlyList<ProcessMapping> mappings)
{
    public IReadOnlyList<ProcessMapping> Mappings { get; } = mappings;

    /// <summary>What the mappings take in memory, roughly.</summary>
    public long EstimatedBytes => 64 + Mappings.Sum(m => 80L + 2L * m.Path.Length);

    /// <summary>The mappings of process <paramref name="pid"/>; empty once the process is gone.</summary>
    public static ProcessMaps Read(int pid)
    {
        try
        {
            using var reader = new StreamReader($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/maps");
            return Parse(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProcessMaps([]);
        }
    }

    /// <summary>Parses lines such as <c>55c8-55c9 r-xp 00002000 fe:00 247270   /usr/bin/cat</c>; anonymous and special (<c>[vdso]</c>) mappings are left out.</summary>
    public static ProcessMaps Parse(TextReader reader)
    {
        var mappings = new List<ProcessMapping>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6 || !parts[5].StartsWith('/'))
                continue;
            var range = parts[0].Split('-');
            if (range.Length != 2 || !Hex(range[0], out var start) || !Hex(range[1], out var end) || !Hex(parts[2], out var offset))
                continue;
            mappings.Add(new ProcessMapping(start, end, offset, parts[5].Trim()));
        }
        return new ProcessMaps(mappings);
    }

    /// <summary>The mapping holding <paramref name="address"/>, or null.</summary>
    public ProcessMapping? Find(ulong address) => Mappings.FirstOrDefault(m => address >= m.Start && address < m.End);

    private static bool Hex(string text, out ulong value) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
}
