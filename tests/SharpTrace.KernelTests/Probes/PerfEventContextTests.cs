using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// <c>ctx->regs.ip</c> in a profile probe (the newest bpftrace's <c>struct bpf_perf_event_data *</c> context, whose
/// <c>regs</c> is a <c>struct pt_regs</c>): sampling a process that the run starts (<c>-c getpid_flood</c>), every
/// sample's <c>regs.ip</c> and <c>regs.sp</c> are the interrupted registers, the values <c>reg("ip")</c> and
/// <c>reg("sp")</c> read through their own offset table, and never zero.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PerfEventContextTests : KernelTest
{
    [Fact]
    public async Task RegsMembersOfTheContextAreTheSampledRegisters()
    {
        var program = TestPrograms.PathOf("getpid_flood");
        var run = await SharpTraceRun.RunAsync(["-c", $"{program} 3000000", "-e",
            """profile:hz:999 /pid == cpid/ { @[ctx->regs.ip == reg("ip"), ctx->regs.ip != 0, ctx.regs.sp == reg("sp")] = count(); }"""]);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('@')).ToList();
        Assert.Single(lines);
        Assert.StartsWith("@[true, true, true]: ", lines[0], StringComparison.Ordinal);
    }
}
