namespace SharpTrace.Kernel.Elf;

/// <summary>The symbols of a stripped binary, from its separate debug file (<see cref="DebugFileLocator"/>).</summary>
internal sealed partial class ElfFile
{
    /// <summary>The separate debug file whose .symtab named this file's functions, or null when the file has its own.</summary>
    public string? DebugFilePath { get; private set; }

    // A stripped file keeps only .dynsym: the debug file's .symtab (its addresses are the binary's) names every
    // function; the exported ones it lacks stay.
    private void AddDebugFileSymbols(byte[] data, DebugFileLocator locator)
    {
        try
        {
            if (locator.Find(Path, ElfSections.Parse(Path, data)) is not { } debugPath)
                return;
            var debugFile = new ElfFile(debugPath);
            debugFile.Parse(RegularFiles.ReadAllBytes(debugPath));
            if (!debugFile._hasSymbolTable)
                return;
            var seen = new HashSet<string>(debugFile.Functions.Select(f => f.Name), StringComparer.Ordinal);
            Functions = [.. debugFile.Functions, .. Functions.Where(f => seen.Add(f.Name))];
            DebugFilePath = debugPath;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // A damaged or unreadable debug file leaves the binary's own symbols.
        }
    }
}
