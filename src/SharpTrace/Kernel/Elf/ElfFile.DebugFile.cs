using SharpCompress.Compressors.Xz;

namespace SharpTrace.Kernel.Elf;

/// <summary>
/// The symbols of a stripped binary, from its separate debug file (<see cref="DebugFileLocator"/>) or, without one,
/// from its MiniDebugInfo: the xz-compressed ELF file of symbols in its <c>.gnu_debugdata</c> section (Fedora's).
/// </summary>
internal sealed partial class ElfFile
{
    /// <summary>Most bytes a <c>.gnu_debugdata</c> section may decompress to (it holds symbols only, a few MiB at most).</summary>
    private const int MiniDebugInfoLimit = 256 << 20;

    /// <summary>The separate debug file whose .symtab named this file's functions, or null when the file has its own.</summary>
    public string? DebugFilePath { get; private set; }

    /// <summary>Whether this file's functions were named from its MiniDebugInfo (<c>.gnu_debugdata</c>).</summary>
    public bool HasMiniDebugInfo { get; private set; }

    // A stripped file keeps only .dynsym: the debug file's .symtab (its addresses are the binary's) names every
    // function; the exported ones it lacks stay.
    private void AddDebugFileSymbols(byte[] data, DebugFileLocator locator)
    {
        try
        {
            var sections = ElfSections.Parse(Path, data);
            if (locator.Find(Path, sections) is { } debugPath)
            {
                var debugFile = new ElfFile(debugPath);
                debugFile.Parse(RegularFiles.ReadAllBytes(debugPath));
                if (AddSymbolsOf(debugFile))
                {
                    DebugFilePath = debugPath;
                    return;
                }
            }
            if (sections.HasBytes(".gnu_debugdata"))
            {
                var mini = new ElfFile(Path + " (.gnu_debugdata)");
                mini.Parse(Decompress(sections.Bytes(".gnu_debugdata")));
                HasMiniDebugInfo = AddSymbolsOf(mini);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // A damaged or unreadable debug file leaves the binary's own symbols.
        }
    }

    private bool AddSymbolsOf(ElfFile debugFile)
    {
        if (!debugFile._hasSymbolTable)
            return false;
        var seen = new HashSet<string>(debugFile.Functions.Select(f => f.Name), StringComparer.Ordinal);
        Functions = [.. debugFile.Functions, .. Functions.Where(f => seen.Add(f.Name))];
        return true;
    }

    /// <summary>The ELF file an xz stream holds (SharpCompress's reader); throws <see cref="InvalidDataException"/> when it is none.</summary>
    private static byte[] Decompress(ReadOnlyMemory<byte> xz)
    {
        try
        {
            using var input = new MemoryStream(xz.ToArray(), writable: false);
            using var stream = new XZStream(input);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > MiniDebugInfoLimit)
                    throw new InvalidDataException(".gnu_debugdata decompresses to more than it may");
                output.Write(buffer, 0, read);
            }
            return output.ToArray();
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($".gnu_debugdata is no xz stream: {e.Message}", e);
        }
    }
}
