using SharpTrace.Kernel.Dwarf;
using SharpTrace.Kernel.Elf;

namespace SharpTrace.Runtime;

/// <summary>
/// The line tables of the files user frames lie in, for <c>show_debug_info</c>: each file's (or its separate debug
/// file's) <c>.debug_line</c>, read on first use and kept for the session; a file without any stays without.
/// </summary>
internal sealed class SourceLines(DebugFileLocator locator)
{
    private readonly Dictionary<string, DwarfLines?> _files = new(StringComparer.Ordinal);

    /// <summary>The source position of the code at <paramref name="address"/> (a link-time address) of the ELF file <paramref name="path"/>, or null.</summary>
    public SourcePosition? Find(string path, ulong address)
    {
        if (!_files.TryGetValue(path, out var lines))
        {
            try
            {
                lines = DwarfInfo.ForBinary(path, locator) is { } info ? DwarfLines.Read(info) : null;
            }
            catch (InvalidDataException)
            {
                lines = null;
            }
            _files[path] = lines;
        }
        return lines?.Find(address);
    }
}
