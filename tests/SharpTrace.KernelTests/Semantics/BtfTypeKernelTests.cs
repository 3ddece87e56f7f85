using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// Kernel types from BTF as the newest bpftrace's tests/runtime/btf uses them: a pointer to a kernel function is a
/// <c>void *</c> ("function pointer types", on a workqueue item the test queues by writing /proc/sys/vm/stat_refresh,
/// which runs refresh_vm_stats on every CPU's workqueue), and a script redefining a kernel type gets no other kernel
/// type by value into its definitions ("redefine_btf_type_missing_def"), in clang's words.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class BtfTypeKernelTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task FunctionPointerTypes()
    {
        // The reference's script exactly: it expects the attach line and no output.
        const string Script = "tracepoint:workqueue:workqueue_execute_start { $workfn = (void *)0; $tl = (struct timer_list *)(args->work); $workfn = $tl->function; exit(); }";

        var result = await TraceAsync(SharpTraceRun.Start(["-e", Script]));

        Assert.Equal((0, ""), (result.ExitCode, result.Stdout));
        Assert.Contains("Attached 1 probe", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFunctionPointerReadThroughBtfNamesItsFunction()
    {
        // work_struct.func is a work_func_t, a typedef of a pointer to a function: a void * holding the address.
        const string Script = """
            tracepoint:workqueue:workqueue_execute_start
            {
              $f = (void *)0; $w = (struct work_struct *)args.work; $f = $w->func;
              if ((uint64)$f == (uint64)args.function && (uint64)$f == kaddr("refresh_vm_stats")) { printf("%s\n", ksym($f)); exit(); }
            }
            """;

        var result = await TraceAsync(SharpTraceRun.Start(["-e", Script]));

        // Each CPU runs the item: a second CPU may print before exit() stops the run.
        Assert.Equal(0, result.ExitCode);
        Assert.NotEmpty(result.Stdout);
        Assert.All(result.Stdout.TrimEnd('\n').Split('\n'), line => Assert.Equal("refresh_vm_stats", line));
    }

    [Fact]
    public async Task RedefiningAKernelTypeWithoutItsMembersDefinitions()
    {
        // The newest (and 0.17) print clang's `definitions.h:2:41: error: field has incomplete type 'struct thread_info'`.
        var result = await SharpTraceRun.RunAsync(["-e", """struct task_struct { struct thread_info x; } begin { printf("%d\n", curtask.x.status); }"""]);

        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.StartsWith("stdin:1:41-42: ERROR: field has incomplete type 'struct thread_info'\n", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<RunResult> TraceAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            // Queues refresh_vm_stats on each CPU's workqueue (mm/vmstat.c, schedule_on_each_cpu).
            await File.WriteAllTextAsync("/proc/sys/vm/stat_refresh", "1");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
