using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>Kernel types from BTF (<c>curtask</c>) and script-defined structs, read in the kernel end to end.</summary>
[Trait("Category", "Kernel")]
public sealed class KernelTypesTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // tests/programs/probe_args.c defines the same struct and passes measure() a two-node list.
    private const string SampleStruct =
        "struct sample { int id; short delta; char label[8]; unsigned int flags : 3; int level : 5; long values[3]; struct sample *next; };\n";

    [Fact]
    public async Task CurtaskCommAndParentInASyscallOfATestProgram()
    {
        // opener is started by this test process, so its parent is one of our threads.
        var script = """
            tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
              printf("%s %d %d %d\n", curtask->comm, curtask->parent->group_leader->pid, curtask->parent->tgid, curtask->tgid == pid);
              exit();
            }
            """;

        using var tool = SharpTraceRun.Start(["-e", script]);
        await tool.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("opener", "/dev/null");
        var result = await tool.WaitForExitAsync(Bound);

        // opener may open more files before exit() stops the tracer: every line is the same.
        var fields = result.Stdout.Split('\n')[0].Split(' ');
        Assert.True(result.ExitCode == 0 && fields.Length == 4, result.Stdout + result.Stderr);
        // parent is the thread of ours that forked opener (gone by now); its group leader is this process's main thread.
        var self = Environment.ProcessId.ToString();
        Assert.Equal(("opener", self, self, "1"), (fields[0], fields[1], fields[2], fields[3]));
    }

    [Fact]
    public async Task CurtaskInBeginMatchesBpftrace()
    {
        // BEGIN runs in the tracer's own process: its parent is this test process for both tools.
        var script = """
            BEGIN {
              printf("%d %d %d %d\n", curtask->tgid == pid, curtask->parent->tgid, curtask->real_parent->pid == curtask->parent->pid, sizeof(struct task_struct));
              $t = (struct task_struct *)curtask;
              printf("%d %d %d\n", $t->pid == tid, (uint8)300, (int8)200);
              printf("%d %d %d\n", curtask->se.load.weight > 0, curtask->mm->mmap_base > 0, curtask->cpus_mask.bits[0] > 0);
              exit();
            }
            """;

        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.StartsWith($"1 {Environment.ProcessId} 1 ", expected.Stdout);
        // bpftrace ends its output with the (empty) exit section's two newlines; we write that section only for maps.
        Assert.Equal((0, expected.Stdout[..^2]), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task ScriptStructCastFromAUprobeArgument()
    {
        var script = SampleStruct + $$"""
            uprobe:{{TestPrograms.PathOf("probe_args")}}:measure {
              $s = (struct sample *)arg0;
              printf("%d %d %s %d %d %d\n", $s->id, $s->delta, $s->label, $s->flags, $s->level, $s->values[1]);
              printf("%d %s %d %d\n", $s->next->id, $s->next->label, $s->next->values[2], sizeof($s->values));
              exit();
            }
            """;

        var result = await TraceProbeArgsAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal((0, "7 -3 alpha 5 -6 -2\n42 beta 6 24\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ScriptStructCastFromAUprobeArgumentMatchesBpftrace()
    {
        // Without the signed bitfield: bpftrace 0.17 reads "int level : 5" holding -6 as 26 (no sign extension).
        var script = SampleStruct + $$"""
            uprobe:{{TestPrograms.PathOf("probe_args")}}:measure {
              $s = (struct sample *)arg0;
              printf("%d %d %s %d %d %d %s\n", $s->id, $s->delta, $s->label, $s->flags, $s->values[1], $s->next->id, $s->next->label);
              exit();
            }
            """;

        var expected = await TraceProbeArgsAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceProbeArgsAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal("7 -3 alpha 5 -2 42 beta\n\n\n", expected.Stdout);
        Assert.Equal((0, "7 -3 alpha 5 -2 42 beta\n"), (actual.ExitCode, actual.Stdout));
    }

    [Theory]
    [InlineData("BEGIN { printf(\"%d %s\\n\", pid, comm); @x[tid] = count(); }", false)]
    [InlineData("struct s { int a; } BEGIN { @x = ((struct s *)0)->a + sizeof(struct s); }", false)]
    [InlineData("BEGIN { @x = curtask->pid; }", true)]
    [InlineData("BEGIN { @x = sizeof(struct task_struct); }", true)]
    public void BtfIsReadOnlyWhenTheScriptNamesAKernelType(string script, bool reads)
    {
        var kernel = Assert.IsType<SharpTrace.Semantics.CTypes.KernelTypes>(SharpTrace.Semantics.CTypes.KernelTypes.Lazy());
        var (program, diagnostics) = SharpTrace.Semantics.Binder.Bind(StandardBuiltins.Catalog,
            SharpTrace.Syntax.SyntaxTree.Parse(script), new SharpTrace.Probes.TracefsCatalog(), kernelTypes: kernel);

        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Equal(reads, kernel.IsLoaded);
    }

    private static async Task<RunResult> TraceProbeArgsAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("probe_args");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
