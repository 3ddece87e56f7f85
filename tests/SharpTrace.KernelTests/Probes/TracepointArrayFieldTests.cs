using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// A tracepoint field that is an array of integers (raw_syscalls:sys_enter's <c>unsigned long args[6]</c>) is an
/// array value, as the newest bpftrace reads it (its BTF names it uint64[6]): <c>args.args[0]</c> is the syscall's first
/// argument. The traced /bin/false ends with exit_group(1) (syscall 231 on x86-64), so the first argument is 1 (the
/// second, args[1], is whatever the register held).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class TracepointArrayFieldTests : KernelTest
{
    private const string Script =
        "tracepoint:raw_syscalls:sys_enter /pid == cpid && args.id == 231/ { print(args.args[0]); @a = args.args[0]; exit(); }";

    [Fact]
    public async Task AnElementOfAnArrayFieldIsTheSyscallsArgumentInText()
    {
        var result = await SharpTraceRun.RunAsync(["-q", "-c", "/bin/false", "-e", Script]);

        Assert.Equal((0, "1\n\n\n@a: 1\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task AnElementOfAnArrayFieldIsTheSyscallsArgumentInJson()
    {
        var result = await SharpTraceRun.RunAsync(["-q", "-f", "json", "-c", "/bin/false", "-e", Script]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["{\"type\": \"value\", \"data\": 1}", "{\"type\": \"map\", \"data\": {\"@a\": 1}}"],
            result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }
}
