using SharpTrace.Kernel.Dwarf;
using SharpTrace.Kernel.Elf;

namespace SharpTrace.Runtime;

/// <summary>
/// The line tables of the files user frames lie in, for <c>show_debug_info</c>: each file's (or its separate debug
/// file's) <c>.debug_line</c>, read on first use and kept for the session; a file without any stays without.
/// </summary>
internal sealed class SourceLines(DebugFileLocator locator)
{
    private readonly Dictionary<string, (DwarfLines Lines, DwarfInlines Inlines)?> _files = new(StringComparer.Ordinal);

    /// <summary>The source position of the code at <paramref name="address"/> (a link-time address) of the ELF file <paramref name="path"/>, or null.</summary>
    public SourcePosition? Find(string path, ulong address) => Tables(path)?.Lines.Find(address);

    /// <summary>
    /// The functions inlined at <paramref name="address"/> of <paramref name="path"/>, innermost first, then the
    /// holding function's position (see <see cref="DwarfInlines.At"/>); empty without debug info for the address.
    /// </summary>
    public IReadOnlyList<InlinedFunction> Inlined(string path, ulong address)
    {
        try
        {
            return Tables(path)?.Inlines.At(address) ?? [];
        }
        catch (InvalidDataException)
        {
            return [];
        }
    }

    private (DwarfLines Lines, DwarfInlines Inlines)? Tables(string path)
    {
        if (!_files.TryGetValue(path, out var tables))
        {
            try
            {
                tables = DwarfInfo.ForBinary(path, locator) is { } info && DwarfLines.Read(info) is var lines
                    ? (lines, new DwarfInlines(info, lines)) : null;
            }
            catch (InvalidDataException)
            {
                tables = null;
            }
            _files[path] = tables;
        }
        return tables;
    }
}
