using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>rawtracepoint probes: BPF_RAW_TRACEPOINT_OPEN, with the tracepoint's arguments as arg0..argN.</summary>
[Trait("Category", "Kernel")]
public sealed class RawTracepointTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private const int ExitGroup = 231; // x86-64 system call number

    [Fact]
    public async Task SysEnterSeesTheSystemCallNumberOfAProgramWeRun()
    {
        // sys_enter(struct pt_regs *regs, long id): arg1 is the system call number.
        var script = $$"""rt:sys_enter /comm == "probe_args" && arg1 == {{ExitGroup}}/ { printf("exit_group\n"); exit(); }""";
        using var tool = SharpTraceRun.Start(["-e", script]);
        await tool.WaitForAttachedAsync(Bound);

        await TestPrograms.RunAsync("probe_args");
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, "exit_group\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ArgsAreTypedFromTheTracepointsPrototypeInBtf()
    {
        // sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm), from btf_trace_sched_process_exec.
        var opener = TestPrograms.PathOf("opener");
        var script = $$"""
            rawtracepoint:sched_process_exec /str(args.bprm->filename) == "{{opener}}"/
            { printf("%s %d %d\n", args.p->comm, args.old_pid == pid, args.p->pid == tid); exit(); }
            """;
        using var tool = SharpTraceRun.Start(["-e", script]);
        await tool.WaitForAttachedAsync(Bound);

        await TestPrograms.RunAsync("opener", "/nonexistent");
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, "opener 1 1\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task AnArgumentTheTracepointLacksNamesThoseItHas()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "rt:sched_switch { @[args.p] = count(); }"]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("stdin:1:21-27: ERROR: rawtracepoint:sched_switch has no argument named 'p' (it has: preempt, prev, next, prev_state)\n", result.Stderr);
    }

    [Fact]
    public async Task ReadingPastTheTracepointsArgumentsFailsAtAttachAndLeavesNothingLoaded()
    {
        // sched_switch has four arguments; the kernel refuses a program that reads the twelfth. The BEGIN
        // probe is loaded first, so this also checks that a failed attach unloads everything.
        var result = await SharpTraceRun.RunAsync(["-e", "BEGIN { @b = 1; } rawtracepoint:sched_switch { @ = arg11; }"]);

        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.Equal("ERROR: attach program rawtracepoint:sched_switch to raw tracepoint sched_switch: invalid argument\n", result.Stderr);
    }
}
