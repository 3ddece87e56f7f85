using SharpTrace.Kernel.Elf;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>uprobes and uretprobes on tests/programs/probe_args, which calls add3, weigh, sum8 and negate once each, in that order.</summary>
[Trait("Category", "Kernel")]
public sealed class UprobeTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private static string Target => TestPrograms.PathOf("probe_args");

    [Fact]
    public async Task FunctionTheBinaryLacksFailsTheRunWithOneLineBeforeBeginRuns()
    {
        // bpftrace 0.17 drops such a probe without a word (threadsnoop.bt traces nothing on glibc 2.34+); we say why.
        var result = await SharpTraceRun.RunAsync(["-e", "BEGIN { printf(\"begun\\n\"); } uprobe:" + Target + ":no_such_function { @ = count(); }"]);

        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.Equal($"ERROR: uprobe:{Target}:no_such_function: Could not resolve symbol: {Target}:no_such_function\n", result.Stderr);
    }

    [Fact]
    public async Task FunctionOfSizeZeroNeedsUnsafeThenFires()
    {
        // gcc's _init has no size: the newest bpftrace refuses it without --unsafe (0.17: "Offset outside the function
        // bounds ('_init' size is 0)"). With --unsafe it fires once as -c's command starts.
        var refused = await SharpTraceRun.RunAsync(["-e", $"uprobe:{Target}:_init {{ @ = count(); }}"]);
        var run = await SharpTraceRun.RunAsync(["--unsafe", "-q", "-c", Target, "-e", $"uprobe:{Target}:_init {{ @[pid == cpid] = count(); }}"]);

        Assert.Equal((1, ""), (refused.ExitCode, refused.Stdout));
        Assert.Equal($"ERROR: uprobe:{Target}:_init: Could not determine boundary for _init (symbol has size 0).\n"
            + "Use --unsafe to force attachment. WARNING: This option could lead to data corruption in the target process.\n", refused.Stderr);
        Assert.Equal(0, run.ExitCode);
        Assert.EndsWith("\n\n@[true]: 1\n", run.Stdout);
    }

    [Fact]
    public async Task ArgumentsAndReturnValueMatchBpftrace()
    {
        var script = $$"""
            uprobe:{{Target}}:add3 { printf("add3 %d %d %d\n", arg0, arg1, arg2); }
            uprobe:{{Target}}:weigh { printf("weigh %s %d\n", str(arg0), arg1); }
            uprobe:{{Target}}:sum8 { printf("sum8 %d %d %d %d %d %d\n", arg0, arg1, arg2, arg3, arg4, arg5); }
            uretprobe:{{Target}}:negate { printf("negate %d\n", retval); @r = retval; exit(); }
            """;

        var expected = await TraceOneRunAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]));

        // bpftrace 0.17 printed this; retval is the whole of rax, so an int's -5 is 4294967291 as uint64.
        Assert.Equal("add3 1 2 39\nweigh hello 1000\nsum8 1 2 3 4 5 6\nnegate -5\n\n\n@r: 4294967291\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task SeventhAndEighthArgumentsComeFromTheStack()
    {
        // bpftrace 0.17 refuses arg6 and beyond on x86-64; newer bpftrace reads them from the stack, as we do.
        var script = $$"""uprobe:{{Target}}:sum8 { printf("%d %d %d\n", arg5, arg6, arg7); exit(); }""";

        var result = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal((0, "6 7 80\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task OffsetAddressAndWildcardAttachPointsFire()
    {
        var add3 = ElfFile.Read(Target).Functions.Single(f => f.Name == "add3");
        var script = $$"""
            uprobe:{{Target}}:add3+4 { printf("offset\n"); }
            uprobe:{{Target}}:0x{{add3.Address:x}} { printf("address\n"); }
            u:{{Target}}:neg*,u:{{Target}}:we*gh { @calls = count(); }
            ur:{{Target}}:main { exit(); }
            """;

        var result = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]));

        // The entry probe at the address runs before the one 4 bytes into add3.
        Assert.Equal((0, "address\noffset\n\n\n@calls: 2\n"), (result.ExitCode, result.Stdout));
        Assert.Contains("Attached 5 probes", result.Stderr);
    }

    [Fact]
    public async Task RetvalInAnEntryProbeIsRejectedBeforeAnythingLoads()
    {
        var result = await SharpTraceRun.RunAsync(["-e", $"uprobe:{Target}:add3 {{ @ = retval; }}"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ERROR: The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes", result.Stderr);
    }

    /// <summary>Starts tracing, runs probe_args once when attached, and waits for the tracer to exit by itself.</summary>
    private static async Task<RunResult> TraceOneRunAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("probe_args", "hello");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
