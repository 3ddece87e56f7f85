using System.Diagnostics;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP at the moments a run can be slow, and <c>-p</c> of a process that has exited. Each test
/// sends the signal at a moment it has observed (the attached line, a program being loaded, END's command running),
/// bounds every wait, and the leak check shows nothing of the run stays loaded. The reference is bpftrace 0.17, run on
/// this machine: SIGHUP kills it at once (status 129, no END, no maps); SIGINT and SIGTERM stop it gracefully (END
/// once, the maps once); a SIGINT once it prints its maps kills it (status 130).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class SignalTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // A signal ends the run within a second on a calm machine; the bound leaves room for a loaded one.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SighupWhileEventsFloodInEndsTheRunAtOnceWithoutEndAsItEndsBpftrace()
    {
        using var tool = SharpTraceRun.Start(["-e", """tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { printf("%d\n", nsecs); @n = count(); } END { printf("end\n"); }""",
            "-c", $"{TestPrograms.PathOf("getpid_flood")} 1000000000"]);
        await tool.WaitForAttachedAsync(Bound);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();
        tool.Hangup();

        var result = await tool.WaitForExitAsync(Bound);

        Assert.True(watch.Elapsed < Prompt, $"SIGHUP took {watch.Elapsed} to end the run");
        Assert.Equal(128 + 1, result.ExitCode);
        Assert.DoesNotContain("end", result.Stdout.Split('\n'));
        Assert.DoesNotContain("@n:", result.Stdout);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SigintOrSigtermWhileCompilingEndsAtOnceAsInBpftrace(bool terminate)
    {
        // Thousands of statements take seconds to compile; bpftrace 0.17 sets its handlers only once it has compiled,
        // so a signal before kills it (130, 143) with nothing printed.
        var script = Path.Combine(Path.GetTempPath(), $"sharptrace-signal-{Guid.NewGuid():N}.bt");
        await File.WriteAllTextAsync(script, "BEGIN {\n" + string.Concat(Enumerable.Range(0, 8000).Select(i => $"  @a[{i}] = {i} * 2 + 1;\n")) + "}\n");
        RunResult result;
        var watch = new Stopwatch();
        try
        {
            using var tool = SharpTraceRun.Start([script]);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            watch.Start();
            if (terminate)
                tool.Terminate();
            else
                tool.Interrupt();
            result = await tool.WaitForExitAsync(Bound);
        }
        finally
        {
            File.Delete(script);
        }

        Assert.True(watch.Elapsed < Prompt, $"the signal took {watch.Elapsed} to end sharptrace");
        Assert.Equal(terminate ? 128 + 15 : 128 + 2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.DoesNotContain("Attached", result.Stderr);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SigintOrSigtermWhileProgramsLoadEndsTheRunWithEndOnceWithoutLoadingTheRest(bool terminate)
    {
        // 361 probes, one program each (probe differs): loading them takes seconds on a loaded machine.
        using var tool = SharpTraceRun.Start(["-e", """BEGIN { printf("begin\n"); } tracepoint:syscalls:sys_enter_* { @[probe] = count(); } END { printf("end\n"); }"""],
            new Dictionary<string, string> { ["BPFTRACE_MAX_PROBES"] = "1000" });
        // Three programs open at once: the run is loading its own (a feature probe holds one at a time, during compile).
        await UntilAsync(() => LoadedPrograms(tool.Id) >= 3 || tool.HasExited, "programs to be loaded");
        var watch = Stopwatch.StartNew();
        if (terminate)
            tool.Terminate();
        else
            tool.Interrupt();

        var result = await tool.WaitForExitAsync(Bound);

        Assert.True(watch.Elapsed < Prompt, $"the run took {watch.Elapsed} to end\n{result.Stderr}");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["begin", "end"], result.Stdout.Split('\n').Where(l => l is "begin" or "end"));
    }

    [Fact]
    public async Task ASecondSigintEndsASlowEndAtOnce()
    {
        using var tool = SharpTraceRun.Start(["--unsafe", "-e", """interval:ms:100 { @n = count(); } END { system("sleep 30"); printf("after\n"); }"""]);
        await tool.WaitForAttachedAsync(Bound);
        tool.Interrupt();
        // END is running once its command is.
        int? sleeper = null;
        await UntilAsync(() => (sleeper = Descendant(tool.Id, "sleep")) is not null || tool.HasExited, "END's command to start");
        try
        {
            var watch = Stopwatch.StartNew();
            tool.Interrupt();

            await UntilAsync(() => tool.HasExited, "sharptrace to exit");
            watch.Stop();
            // The command outlives sharptrace, holding its stderr open: end it so the output ends.
            Kill(sleeper);
            var result = await tool.WaitForExitAsync(Bound);

            Assert.True(watch.Elapsed < Prompt, $"the second SIGINT took {watch.Elapsed} to end the run");
            Assert.Equal(128 + 2, result.ExitCode);
            Assert.DoesNotContain("after", result.Stdout);
        }
        finally
        {
            Kill(sleeper);
        }
    }

    [Fact]
    public async Task TracingAZombieIsAnErrorAtOnce()
    {
        // The shell becomes sleep 30 (exec) and never reaps its child, which exits at once: a zombie.
        using var parent = Process.Start("/bin/sh", ["-c", "sleep 0 & exec sleep 30"]);
        try
        {
            int? zombie = null;
            await UntilAsync(() => (zombie = Children(parent.Id).FirstOrDefault(c => State(c) == 'Z')) is > 0, "the zombie");

            var result = await SharpTraceRun.RunAsync(["-p", zombie!.Value.ToString(), "-e", """interval:ms:100 { @n = count(); }"""]);

            Assert.Equal(1, result.ExitCode);
            Assert.Equal($"ERROR: -p {zombie}: the process has exited (a zombie its parent has not reaped): there is nothing to trace\n", result.Stderr);
            Assert.Equal("", result.Stdout);
        }
        finally
        {
            parent.Kill();
        }
    }

    [Fact]
    public async Task APidThatBecomesAZombieEndsTheTraceWithEndAsInBpftrace()
    {
        using var parent = Process.Start("/bin/sh", ["-c", "sleep 8 & exec sleep 60"]);
        try
        {
            int? target = null;
            await UntilAsync(() => (target = Children(parent.Id).FirstOrDefault()) is > 0, "the traced process");
            using var tool = SharpTraceRun.Start(["-p", target!.Value.ToString(), "-e", """interval:ms:100 { @n = count(); } END { printf("end\n"); }"""]);

            var result = await tool.WaitForExitAsync(Bound);

            Assert.Equal(0, result.ExitCode);
            Assert.Single(result.Stdout.Split('\n'), l => l == "end");
        }
        finally
        {
            parent.Kill();
        }
    }

    [Fact]
    public async Task AMillionElementPercpuarrayPrintsAtExitInSecondsAndCtrlCEndsItsRun()
    {
        // Read entry by entry (two system calls each), printing this map at exit took 25 s on a loaded machine.
        using var tool = SharpTraceRun.Start(["-e", """let @a = percpuarray(2000000); BEGIN { @a[1] = count(); @a[1999999] = count(); } interval:ms:100 { @a[7] = count(); }"""]);
        await tool.WaitForAttachedAsync(Bound);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        tool.Interrupt();

        var result = await tool.WaitForExitAsync(Bound);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the run took {watch.Elapsed} to end");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\n@a[1]: 1\n", result.Stdout);
        Assert.Contains("\n@a[1999999]: 1\n", result.Stdout);
        Assert.Matches(@"\n@a\[7\]: \d+\n", result.Stdout);
        Assert.Equal(3, result.Stdout.Split('\n').Count(l => l.StartsWith("@a[", StringComparison.Ordinal)));
    }

    private static void Kill(int? pid)
    {
        try
        {
            if (pid is { } id)
                Process.GetProcessById(id).Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task UntilAsync(Func<bool> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (watch.Elapsed > Bound)
                throw new TimeoutException($"waited {Bound} for {what}");
            await Task.Delay(5);
        }
    }

    /// <summary>The BPF programs <paramref name="pid"/> holds open.</summary>
    private static int LoadedPrograms(int pid)
    {
        try
        {
            return Directory.EnumerateFiles($"/proc/{pid}/fdinfo").Count(f =>
            {
                try
                {
                    return File.ReadAllText(f).Contains("prog_type:", StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static IEnumerable<int> Children(int pid) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0)
            .Where(p => p > 0 && ParentOf(p) == pid)
            .ToList();

    /// <summary>A process named <paramref name="comm"/> among the descendants of <paramref name="pid"/>.</summary>
    private static int? Descendant(int pid, string comm)
    {
        foreach (var child in Children(pid))
        {
            if (Comm(child) == comm)
                return child;
            if (Descendant(child, comm) is { } found)
                return found;
        }
        return null;
    }

    private static string? Stat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
    }

    // Fields after the command name in parentheses: state, ppid, ...
    private static string[] AfterComm(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    private static int? ParentOf(int pid) => Stat(pid) is { } stat ? int.Parse(AfterComm(stat)[1]) : null;

    private static char? State(int pid) => Stat(pid) is { } stat ? AfterComm(stat)[0][0] : null;

    private static string? Comm(int pid) => Stat(pid) is { } stat ? stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')] : null;
}
