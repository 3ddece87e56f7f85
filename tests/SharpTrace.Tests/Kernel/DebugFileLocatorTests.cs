using SharpTrace.Kernel.Dwarf;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Kernel;

/// <summary>
/// Separate debug files of a stripped program (objcopy --only-keep-debug, strip): found by build-id under a debug
/// root, or by .gnu_debuglink beside the binary, in its .debug directory or under a root, checked by CRC-32.
/// </summary>
public sealed class DebugFileLocatorTests : IDisposable
{
    private const string Source = """
        __attribute__((noinline)) static int hidden(int depth) { return depth * 2; }
        int main(int argc, char **argv) { (void)argv; return hidden(argc); }
        """;

    private readonly GccProgram _program = new(Source, "-g");
    private readonly string _root;
    private readonly string _stripped;
    private readonly string _debugFile;

    public DebugFileLocatorTests()
    {
        _root = Path.Combine(_program.Directory, "debug-root");
        _stripped = Path.Combine(_program.Directory, "bin", "program");
        Directory.CreateDirectory(Path.GetDirectoryName(_stripped)!);
        _debugFile = Path.Combine(_program.Directory, "program.debug");
        GccProgram.Run("objcopy", "--only-keep-debug", _program.Path, _debugFile);
        GccProgram.Run("strip", "--strip-all", "-o", _stripped, _program.Path);
    }

    public void Dispose() => _program.Dispose();

    [Fact]
    public void BuildIdPathUnderARootIsFound()
    {
        var buildId = ElfSections.Read(_stripped).BuildId!;
        var installed = Path.Combine(_root, ".build-id", buildId[..2], buildId[2..] + ".debug");
        var locator = new DebugFileLocator([_root]);
        Assert.Null(locator.Find(_stripped, ElfSections.Read(_stripped)));

        Directory.CreateDirectory(Path.GetDirectoryName(installed)!);
        File.Copy(_debugFile, installed);

        Assert.Equal(installed, locator.Find(_stripped, ElfSections.Read(_stripped)));
        Assert.Equal(ElfSections.Read(_program.Path).BuildId, buildId);
    }

    [Theory]
    [InlineData("beside")]
    [InlineData(".debug")]
    [InlineData("root")]
    public void DebugLinkIsFoundWhereGdbLooks(string place)
    {
        GccProgram.Run("objcopy", "--add-gnu-debuglink=" + _debugFile, _stripped);
        var directory = Path.GetDirectoryName(_stripped)!;
        var target = place switch
        {
            "beside" => Path.Combine(directory, "program.debug"),
            ".debug" => Path.Combine(directory, ".debug", "program.debug"),
            _ => Path.Combine(_root, directory.TrimStart('/'), "program.debug"),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(_debugFile, target);

        Assert.Equal(target, new DebugFileLocator([_root]).Find(_stripped, ElfSections.Read(_stripped)));
    }

    [Fact]
    public void DebugLinkWithAnotherCrcIsSkipped()
    {
        GccProgram.Run("objcopy", "--add-gnu-debuglink=" + _debugFile, _stripped);
        File.Move(_debugFile, Path.Combine(Path.GetDirectoryName(_stripped)!, "program.debug"));
        File.AppendAllText(Path.Combine(Path.GetDirectoryName(_stripped)!, "program.debug"), "changed");

        Assert.Null(new DebugFileLocator([_root]).Find(_stripped, ElfSections.Read(_stripped)));
    }

    [Fact]
    public void StrippedProgramGetsSymbolsAndParametersFromItsDebugFile()
    {
        var locator = new DebugFileLocator([_root]);
        Assert.DoesNotContain(ElfFile.Read(_stripped, locator).Functions, f => f.Name == "hidden");
        var buildId = ElfSections.Read(_stripped).BuildId!;
        Directory.CreateDirectory(Path.Combine(_root, ".build-id", buildId[..2]));
        File.Copy(_debugFile, Path.Combine(_root, ".build-id", buildId[..2], buildId[2..] + ".debug"));

        var elf = ElfFile.Read(_stripped, locator);
        var types = new DwarfTypes(DwarfInfo.ForBinary(_stripped, locator)!);

        Assert.Equal(
            ElfFile.Read(_program.Path).Functions.Single(f => f.Name == "hidden"),
            elf.Functions.Single(f => f.Name == "hidden"));
        Assert.NotNull(elf.DebugFilePath);
        Assert.Equal(["int depth"], types.ListedParameters("hidden"));
        Assert.Equal(["int argc", "char** argv"], types.ListedParameters("main"));
    }

    [Fact]
    public void Crc32IsZlibs() => Assert.Equal(0xcbf43926u, DebugFileLocator.Crc32("123456789"u8));
}
