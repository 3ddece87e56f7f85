using SharpTrace.Kernel.Dwarf;
using SharpTrace.Kernel.Elf;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// The DWARF types of the user binaries a compilation probes, each read once, on first use (a script that never
/// names <c>args</c> reads none), from the binary or from its separate debug file.
/// </summary>
internal sealed class UserDebugInfo(DebugFileLocator locator)
{
    private readonly Dictionary<string, DwarfTypes?> _binaries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DwarfLines?> _lines = new(StringComparer.Ordinal);

    /// <summary>Where separate debug files are looked for.</summary>
    public DebugFileLocator Locator { get; } = locator;

    /// <summary>The DWARF types of the binary at <paramref name="path"/>; null when it has no debug info.</summary>
    public DwarfTypes? For(string path)
    {
        if (!_binaries.TryGetValue(path, out var types))
            _binaries[path] = types = DwarfInfo.ForBinary(path, Locator) is { } info ? new DwarfTypes(info) : null;
        return types;
    }

    /// <summary>The line tables of the binary at <paramref name="path"/> (or its debug file); null when it has no debug info.</summary>
    public DwarfLines? Lines(string path)
    {
        if (!_lines.TryGetValue(path, out var lines))
            _lines[path] = lines = For(path) is { } types ? DwarfLines.Read(types.Info) : null;
        return lines;
    }

    /// <summary>The parameters of <paramref name="function"/> in the binary at <paramref name="path"/>; null without debug info for it.</summary>
    public IReadOnlyList<CParameter>? FunctionParameters(string path, string function) => For(path)?.FunctionParameters(function);

    /// <summary>The struct with tag <paramref name="tag"/> in the DWARF of the binary at <paramref name="path"/> (<see cref="DwarfTypes.FindStruct"/>); null when it has none.</summary>
    public CStructType? FindStruct(string path, string tag) => For(path)?.FindStruct(tag);

    /// <summary><c>args</c> of a uprobe of <paramref name="function"/> in the binary at <paramref name="path"/> as one struct type (<see cref="DwarfTypes.ArgumentsRecord"/>).</summary>
    public CStructType? ArgumentsRecord(string path, string function) => For(path)?.ArgumentsRecord(function);
}
