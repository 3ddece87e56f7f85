using SharpTrace.Kernel.Elf;

namespace SharpTrace.Tests.Kernel;

/// <summary>
/// MiniDebugInfo (docs/stacks.md): a program stripped of its symbols, with the symbols of its local functions kept
/// in an xz-compressed ELF file in its <c>.gnu_debugdata</c> section, made by the recipe gdb's manual gives (the
/// way Fedora builds its packages), names those functions again, at the addresses nm gives before the strip.
/// </summary>
public sealed class MiniDebugInfoTests
{
    private const string Program = """
        #include <stdio.h>
        static __attribute__((noinline)) int local_helper(int x) { return x * 3; }
        int main(void) { printf("%d\n", local_helper(2)); return 0; }
        """;

    [Fact]
    public void AStrippedProgramNamesItsLocalFunctionsFromGnuDebugdata()
    {
        var directory = Directory.CreateTempSubdirectory("sharptrace-minidebuginfo-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "prog.c"), Program);
            ExternalTool.Run("bash", Path.Combine(SourceTree.Root, "tests", "programs", "minidebuginfo.sh"), directory.FullName);
            var path = Path.Combine(directory.FullName, "prog");
            var expected = ExternalTool.Run("nm", "--defined-only", Path.Combine(directory.FullName, "unstripped"))
                .Split('\n').Select(l => l.Split(' ')).Where(p => p.Length == 3 && p[2] == "local_helper").Select(p => Convert.ToUInt64(p[0], 16)).Single();
            Assert.DoesNotContain("local_helper", ExternalTool.Run("nm", "--defined-only", "-D", path));

            var elf = ElfFile.Read(path, new DebugFileLocator([]));

            Assert.True(elf.HasMiniDebugInfo);
            Assert.Null(elf.DebugFilePath);
            var helper = Assert.Single(elf.Functions, f => f.Name == "local_helper");
            Assert.Equal(expected, helper.Address);
            Assert.Contains(elf.Functions, f => f.Name == "main");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ADamagedGnuDebugdataLeavesTheProgramsOwnSymbols()
    {
        var directory = Directory.CreateTempSubdirectory("sharptrace-minidebuginfo-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "prog.c"), Program);
            File.WriteAllText(Path.Combine(directory.FullName, "junk"), "not xz at all");
            ExternalTool.Run("bash", "-c", """
                set -euo pipefail
                cd "$1"
                gcc -O1 -o prog prog.c
                strip --strip-all prog
                objcopy --add-section .gnu_debugdata=junk prog
                """, "minidebuginfo", directory.FullName);

            var elf = ElfFile.Read(Path.Combine(directory.FullName, "prog"), new DebugFileLocator([]));

            Assert.False(elf.HasMiniDebugInfo);
            Assert.DoesNotContain(elf.Functions, f => f.Name == "local_helper");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
