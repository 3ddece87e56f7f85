using System.Globalization;

namespace SharpTrace.Kernel;

/// <summary>
/// The kernel's symbols from <c>/proc/kallsyms</c> (modules included), sorted by address so that an address
/// resolves, by binary search, to the symbol with the greatest start at or below it.
/// </summary>
internal sealed class Kallsyms
{
    public const string DefaultPath = "/proc/kallsyms";

    private readonly ulong[] _addresses;
    private readonly string[] _names;
    private readonly Dictionary<string, ulong> _byName;

    private Kallsyms(List<(ulong Address, string Name, int Rank, int Line)> symbols)
    {
        // Several names can share an address: code symbols win over data, then the first listed.
        symbols.Sort((a, b) => a.Address != b.Address ? a.Address.CompareTo(b.Address)
            : a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : a.Line.CompareTo(b.Line));
        var addresses = new List<ulong>(symbols.Count);
        var names = new List<string>(symbols.Count);
        _byName = new Dictionary<string, ulong>(symbols.Count, StringComparer.Ordinal);
        foreach (var (address, name, _, _) in symbols)
        {
            if (addresses.Count > 0 && addresses[^1] == address)
                continue;
            addresses.Add(address);
            names.Add(name);
        }
        foreach (var (address, name, _, _) in symbols.OrderBy(s => s.Line))
            _byName.TryAdd(name, address);
        _addresses = [.. addresses];
        _names = [.. names];
    }

    /// <summary>Number of distinct symbol addresses.</summary>
    public int Count => _addresses.Length;

    /// <summary>Reads <paramref name="path"/>; when it is unreadable, or its addresses are all zero (no CAP_SYSLOG), nothing resolves.</summary>
    public static Kallsyms Load(string path = DefaultPath)
    {
        try
        {
            using var reader = new StreamReader(path);
            return Parse(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Parse(TextReader.Null);
        }
    }

    /// <summary>Parses lines of the form <c>ffffffff8225a650 T do_syscall_64</c> or <c>… t name\t[module]</c>.</summary>
    public static Kallsyms Parse(TextReader reader)
    {
        var symbols = new List<(ulong, string, int, int)>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var parts = line.Split([' ', '\t'], 4, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || parts[1].Length != 1
                || !ulong.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address)
                || address == 0)
                continue;
            var rank = parts[1][0] is 'T' or 't' or 'W' or 'w' ? 0 : 1;
            symbols.Add((address, parts[2], rank, number));
        }
        return new Kallsyms(symbols);
    }

    /// <summary>The symbol holding <paramref name="address"/> and the offset into it, or null below the first symbol.</summary>
    public (string Name, ulong Offset)? Resolve(ulong address)
    {
        var index = Array.BinarySearch(_addresses, address);
        if (index < 0)
            index = ~index - 1;
        return index < 0 ? null : (_names[index], address - _addresses[index]);
    }

    /// <summary>The address of the symbol named <paramref name="name"/>, or null if the kernel has none.</summary>
    public ulong? AddressOf(string name) => _byName.TryGetValue(name, out var address) ? address : null;
}
