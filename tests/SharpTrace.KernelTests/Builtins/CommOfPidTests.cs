using System.Globalization;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// <c>comm(pid)</c>, the newest bpftrace's name of another process (its stdlib macro over the <c>bpf_task_from_pid</c>
/// and <c>bpf_task_release</c> kfuncs; bpftrace 0.17 has no such function): in a tracepoint that
/// tests/programs/getpid_flood.c causes, the program's own name by its pid, kthreadd's by pid 2 (read from
/// /proc/2/comm), and, for a pid no task has, the reference's <c>N/A</c> with its warning <c>No such process (pid=N)</c>.
/// Pid 1 is not used: on the test VM the kfunc finds no task for pid 1 (nor its threads), though /proc shows it.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class CommOfPidTests : KernelTest
{
    private const int MissingPid = int.MaxValue;

    [Fact]
    public async Task CommOfAPidIsThatProcessesNameAndNaForAMissingOne()
    {
        var script = $$"""
            tracepoint:syscalls:sys_enter_getpid /pid == cpid/ {
              printf("[%s] [%s] [%s] %d %d\n", comm(pid), comm(2), comm({{MissingPid}}), sizeof(comm(pid)), sizeof(comm));
            }
            """;
        var result = await SharpTraceRun.RunAsync(["-e", script, "-c", $"{TestPrograms.PathOf("getpid_flood")} 1"]);

        Assert.Equal(0, result.ExitCode);
        var kthread = File.ReadAllText("/proc/2/comm").TrimEnd('\n');
        // The reference types comm(pid) string[64] (its macro's buffer), comm string[16].
        Assert.Equal($"[getpid_flood] [{kthread}] [N/A] 64 16\n", result.Stdout);
        Assert.Contains($"WARNING: No such process (pid={MissingPid.ToString(CultureInfo.InvariantCulture)})", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommOfAPidIsRefusedInBegin()
    {
        // On this kernel bpf_task_from_pid may not be called from BEGIN's raw_tracepoint program (kfunc_allowed is false).
        var result = await SharpTraceRun.RunAsync(["-e", """BEGIN { printf("%s\n", comm(1)); exit(); }"""]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ERROR: Syntax comm(PID) is not supported in this probe type yet. Type: special", result.Stderr, StringComparison.Ordinal);
    }
}
