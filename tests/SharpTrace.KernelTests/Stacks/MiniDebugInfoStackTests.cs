using System.Diagnostics;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Stacks;

/// <summary>
/// MiniDebugInfo on the real kernel (docs/stacks.md): a program stripped as Fedora strips its packages, its local
/// functions' symbols kept xz-compressed in <c>.gnu_debugdata</c> (the recipe of gdb's manual), is uprobed at a
/// static function, whose name its stack prints.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class MiniDebugInfoStackTests : KernelTest
{
    [Fact]
    public async Task AStaticFunctionNamedOnlyInGnuDebugdataIsAUprobeTargetAndAStackFrame()
    {
        var directory = Directory.CreateTempSubdirectory("sharptrace-minidebuginfo-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "prog.c"), """
                #include <stdio.h>
                #include <unistd.h>
                static __attribute__((noinline)) int local_helper(int x) { return x * 3; }
                int main(void) { printf("%d\n", local_helper(2)); fflush(stdout); usleep(300000); return 0; }
                """);
            var start = new ProcessStartInfo("bash") { RedirectStandardError = true };
            foreach (var argument in new[] { Path.Combine(Repository.Root, "tests", "programs", "minidebuginfo.sh"), directory.FullName, "-fno-omit-frame-pointer" })
                start.ArgumentList.Add(argument);
            using (var build = Process.Start(start)!)
            {
                var error = await build.StandardError.ReadToEndAsync();
                await build.WaitForExitAsync();
                Assert.True(build.ExitCode == 0, error);
            }
            var program = Path.Combine(directory.FullName, "prog");

            var result = await SharpTraceRun.RunAsync(["-e", $"uprobe:{program}:local_helper {{ @[ustack(1)] = count(); }}", "-c", program]);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("@[\n    local_helper+0\n]: 1\n", result.Stdout);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
