using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// usermode in probes where the kernel knows: a uprobe fires on a user instruction (1), a context switch of the
/// traced program happens in the kernel (0), a syscall tracepoint has no registers (the reference's constant 0), BEGIN
/// runs in our own process (the reference's constant 1); in text and JSON. bpftrace 0.17 has no usermode.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class UsermodeTests : KernelTest
{
    private static string Script => $$"""
        BEGIN { @begin = usermode; }
        uprobe:{{TestPrograms.PathOf("probe_args")}}:add3 { @uprobe = usermode(); }
        software:context-switches:1 /pid == cpid/ { @switches[usermode] = 1; }
        tracepoint:syscalls:sys_enter_write /pid == cpid/ { @tracepoint = usermode; }
        """;

    [Fact]
    public async Task TextSaysWhereEachProbeFired()
    {
        var result = await SharpTraceRun.RunAsync(["-e", Script, "-c", TestPrograms.PathOf("probe_args")]);

        Assert.Equal(0, result.ExitCode);
        var maps = result.Stdout[(result.Stdout.IndexOf("@begin", StringComparison.Ordinal))..];
        Assert.Equal("@begin: 1\n@switches[0]: 1\n@tracepoint: 0\n@uprobe: 1\n", maps);
    }

    [Fact]
    public async Task JsonSaysWhereEachProbeFired()
    {
        var result = await SharpTraceRun.RunAsync(["-f", "json", "-e", Script, "-c", TestPrograms.PathOf("probe_args")]);

        Assert.Equal(0, result.ExitCode);
        // probe_args prints its results to the same stdout: only our records are JSON.
        JsonLines.AssertEveryLineIsAnObject(string.Concat(result.Stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => l + "\n")));
        Assert.Equal(
        [
            """{"type": "map", "data": {"@begin": 1}}""",
            """{"type": "map", "data": {"@switches": {"0": 1}}}""",
            """{"type": "map", "data": {"@tracepoint": 0}}""",
            """{"type": "map", "data": {"@uprobe": 1}}""",
        ], result.Stdout.Split('\n').Where(l => l.Contains("\"map\"", StringComparison.Ordinal)));
    }
}
