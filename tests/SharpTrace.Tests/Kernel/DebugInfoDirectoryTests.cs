using SharpTrace.Kernel.Elf;

namespace SharpTrace.Tests.Kernel;

/// <summary>
/// The directories of <c>--debuginfo DIR[:DIR]</c>, as the newest bpftrace's man page describes them: absolute or
/// relative to the traced binary's directory, colon-separated or repeated, searched before the standard places;
/// debug files matched by build-id, or without one by the debuglink CRC-32 where a <c>+</c> asks; others skipped.
/// </summary>
public sealed class DebugInfoDirectoryTests
{
    private const string Source = """
        __attribute__((noinline)) static int hidden(int depth) { return depth * 2; }
        int main(int argc, char **argv) { (void)argv; return hidden(argc); }
        """;

    [Fact]
    public void OptionsSplitAtColonsKeepOrderAndMarkCrcChecks()
    {
        var locator = DebugFileLocator.WithDirectories(["/bin/debug:+./lib/debug:", "..", "-rel"]);

        Assert.Equal(
            [new DebugDirectory("/bin/debug", false), new DebugDirectory("./lib/debug", true), new DebugDirectory("..", false), new DebugDirectory("rel", false)],
            locator.Directories);
        Assert.Equal([DebugFileLocator.StandardRoot], locator.DebugRoots);
    }

    [Fact]
    public void RelativeDirectoryIsUnderTheBinarysAndNamedAfterIt()
    {
        using var program = new GccProgram(Source, "-g");
        var (stripped, debugFile) = Strip(program, debugLink: false);
        var target = Path.Combine(Path.GetDirectoryName(stripped)!, "external", "program.debug");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(debugFile, target);

        Assert.Null(new DebugFileLocator().Find(stripped, ElfSections.Read(stripped)));
        // Relative to the binary, not to the working directory.
        Assert.Equal(target, DebugFileLocator.WithDirectories(["./external"]).Find(stripped, ElfSections.Read(stripped)));
        Assert.Equal(target, DebugFileLocator.WithDirectories(["missing", "external"]).Find(stripped, ElfSections.Read(stripped)));
        Assert.Contains(ElfFile.Read(stripped, DebugFileLocator.WithDirectories(["external"])).Functions, f => f.Name == "hidden");
    }

    [Fact]
    public void AbsoluteDirectoryIsSearchedByBuildIdDirectlyAndUnderTheBinarysPath()
    {
        using var program = new GccProgram(Source, "-g");
        var (stripped, debugFile) = Strip(program, debugLink: false);
        var root = Path.Combine(program.Directory, "root");
        var buildId = ElfSections.Read(stripped).BuildId!;
        var byBuildId = Path.Combine(root, ".build-id", buildId[..2], buildId[2..] + ".debug");
        var direct = Path.Combine(root, "program.debug");
        var underPath = Path.Combine(root, Path.GetDirectoryName(stripped)!.TrimStart('/'), "program.debug");
        var locator = DebugFileLocator.WithDirectories([root]);

        foreach (var place in new[] { direct, underPath, byBuildId })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(place)!);
            File.Copy(debugFile, place);
            Assert.Equal(place, locator.Find(stripped, ElfSections.Read(stripped)));
        }
    }

    [Fact]
    public void FileWithAnotherBuildIdIsSkipped()
    {
        using var program = new GccProgram(Source, "-g");
        using var other = new GccProgram(Source.Replace("depth * 2", "depth * 3", StringComparison.Ordinal), "-g");
        var (stripped, debugFile) = Strip(program, debugLink: false);
        var binaryDirectory = Path.GetDirectoryName(stripped)!;
        Directory.CreateDirectory(Path.Combine(binaryDirectory, "wrong"));
        Directory.CreateDirectory(Path.Combine(binaryDirectory, "right"));
        GccProgram.Run("objcopy", "--only-keep-debug", other.Path, Path.Combine(binaryDirectory, "wrong", "program.debug"));
        File.Move(debugFile, Path.Combine(binaryDirectory, "right", "program.debug"));

        Assert.NotEqual(ElfSections.Read(other.Path).BuildId, ElfSections.Read(stripped).BuildId);
        Assert.Null(DebugFileLocator.WithDirectories(["wrong"]).Find(stripped, ElfSections.Read(stripped)));
        Assert.Equal(Path.Combine(binaryDirectory, "right", "program.debug"),
            DebugFileLocator.WithDirectories(["wrong:right"]).Find(stripped, ElfSections.Read(stripped)));
    }

    [Fact]
    public void WithoutBuildIdAPlusDirectoryChecksTheDebugLinkCrc()
    {
        using var program = new GccProgram(Source, "-g", "-Wl,--build-id=none");
        var (stripped, debugFile) = Strip(program, debugLink: true);
        Assert.Null(ElfSections.Read(stripped).BuildId);
        var binaryDirectory = Path.GetDirectoryName(stripped)!;
        var linked = Path.Combine(binaryDirectory, "dbg", Path.GetFileName(debugFile));
        Directory.CreateDirectory(Path.GetDirectoryName(linked)!);
        File.Move(debugFile, linked);

        Assert.Equal(linked, DebugFileLocator.WithDirectories(["+dbg"]).Find(stripped, ElfSections.Read(stripped)));

        File.AppendAllText(linked, "changed");
        Assert.Null(DebugFileLocator.WithDirectories(["+dbg"]).Find(stripped, ElfSections.Read(stripped)));
        Assert.Equal(linked, DebugFileLocator.WithDirectories(["dbg"]).Find(stripped, ElfSections.Read(stripped)));
    }

    // The program stripped of everything into bin/program, its debug information in program.debug beside the source.
    private static (string Stripped, string DebugFile) Strip(GccProgram program, bool debugLink)
    {
        var stripped = Path.Combine(program.Directory, "bin", "program");
        Directory.CreateDirectory(Path.GetDirectoryName(stripped)!);
        var debugFile = Path.Combine(program.Directory, "linked.debug");
        GccProgram.Run("objcopy", "--only-keep-debug", program.Path, debugFile);
        GccProgram.Run("strip", "--strip-all", "-o", stripped, program.Path);
        if (debugLink)
            GccProgram.Run("objcopy", "--add-gnu-debuglink=" + debugFile, stripped);
        return (stripped, debugFile);
    }
}
