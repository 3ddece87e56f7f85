using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// A uprobe on a file that is no ELF file (a flat binary: code a JIT or loader maps from a file), which the newest
/// bpftrace allows with <c>--unsafe</c> at an address taken as the file offset, warning that it cannot tell the
/// instruction boundary. tests/programs/flat_code maps the file executable and calls its first byte.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class UprobeFlatBinaryTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task AFlatBinaryIsProbedAtAFileOffsetWithUnsafe()
    {
        var directory = Directory.CreateTempSubdirectory("sharptrace-flat-").FullName;
        try
        {
            // x86-64: lea eax, [rdi + 1]; ret (returns its argument plus one).
            var code = Path.Combine(directory, "code.bin");
            File.WriteAllBytes(code, [0x8d, 0x47, 0x01, 0xc3]);
            RunResult result, program;
            using (var tool = SharpTraceRun.Start(["--unsafe", "-e", $$"""uprobe:{{code}}:0 { printf("%d\n", arg0); exit(); }"""]))
            {
                await tool.WaitForAttachedAsync(Bound);
                program = await TestPrograms.RunAsync("flat_code", code, "41");
                result = await tool.WaitForExitAsync(Bound);
            }

            Assert.Equal((0, "42\n"), (program.ExitCode, program.Stdout));
            Assert.Equal((0, "41\n"), (result.ExitCode, result.Stdout));
            Assert.Contains($"Could not determine instruction boundary for uprobe:{code}:0 (binary appears stripped). Misaligned probes can lead to tracee crashes!", result.Stderr);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
