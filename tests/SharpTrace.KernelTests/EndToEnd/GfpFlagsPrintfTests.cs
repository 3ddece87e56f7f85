using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// <c>printf("%gr", args.gfp_flags)</c> on a kmalloc the test causes: execve of the command allocates its
/// <c>struct linux_binprm</c> with <c>kzalloc(…, GFP_KERNEL)</c> (fs/exec.c alloc_bprm), in the command's own process,
/// so that allocation's flags are GFP_KERNEL with __GFP_ZERO (0xdc0), named as the newest bpftrace names them
/// (its tests/utils.cpp: 0xcc0 is GFP_KERNEL; __GFP_ZERO is bit 8). bpftrace 0.17 has no %gr.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class GfpFlagsPrintfTests : KernelTest
{
    [Fact]
    public async Task TheFlagsOfAnExecAllocationPrintByName()
    {
        var run = await SharpTraceRun.RunAsync(["-c", "/bin/true", "-e",
            """tracepoint:kmem:kmalloc /pid == cpid/ { printf("%d %gr|%-14gr|\n", args.gfp_flags, args.gfp_flags, 0); }"""]);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("3520 GFP_KERNEL|__GFP_ZERO|0             |", lines);
        // Every other allocation of the command prints its own flags; none prints a bare number for known bits.
        Assert.All(lines, l => Assert.Matches(@"^\d+ (0|(GFP|__GFP)_[A-Z0-9_]+(\|(GFP|__GFP)_[A-Z0-9_]+)*(\|0x[0-9a-f]+)?|0x[0-9a-f]+)\|0 {13}\|$", l));
    }
}
