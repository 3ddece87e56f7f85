using SharpTrace.Kernel;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Api;

/// <summary><see cref="TraceProgram.Verify"/>: the kernel loads every program, nothing is attached or run, nothing stays.</summary>
[Trait("Category", "Kernel")]
public sealed class VerifyTests : KernelTest
{
    // Compiles, but the verifier walks the endless loop until its instruction limit and refuses the program (as it
    // refuses bpftrace's own code for this script).
    internal const string EndlessLoop = "BEGIN { $i = 0; while (1) { $i++; } }";

    [Fact]
    public async Task VerifyOfAGoodProgramLoadsNothingThatStaysAndRunsNoBegin()
    {
        var marker = $"/tmp/sharptrace-verify-{Guid.NewGuid():N}";
        var leaks = KernelLeakCheck.Start();
        var result = TraceScript.Compile($$"""
            BEGIN { system("touch {{marker}}"); }
            tracepoint:syscalls:sys_enter_openat { @opens[comm] = count(); @bytes = hist(pid); }
            """, new CompileOptions { Config = new SharpTrace.Semantics.ProgramConfig { Unsafe = true } });
        Assert.True(result.Success, string.Concat(result.Diagnostics.Select(d => d.Format())));

        result.Program.Verify();

        await leaks.AssertNoLeaksAsync();
        Assert.False(File.Exists(marker), "BEGIN ran during Verify");
    }

    [Fact]
    public void VerifyThrowsWhatARunThrowsForAProgramTheVerifierRejects()
    {
        var result = TraceScript.Compile(EndlessLoop);
        Assert.True(result.Success, string.Concat(result.Diagnostics.Select(d => d.Format())));

        var verified = Assert.Throws<BpfLoadException>(result.Program.Verify);
        var run = Assert.Throws<BpfLoadException>(() => result.Program.Run(_ => { }));

        Assert.Equal(run.Message, verified.Message);
        Assert.StartsWith("load program begin: ", verified.Message);
        Assert.Contains("BPF program is too large", verified.VerifierLog);
    }
}
