using System.Diagnostics;
using System.Globalization;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// The newest bpftrace's process, string and register functions on real events: ppid, leader_tid and leader_comm in a
/// renamed thread of tests/programs/thread_opener.c (checked against the pids sh reports and the program's name),
/// has_cpid and cpid with and without -c, strstr, strcap, str_concat and memcmp on a path a test program opens (checked
/// against the path), and container_of, reg and ctx in a uprobe on tests/programs/pointer_target.c (checked against
/// the bytes the program holds, and against bpftrace 0.17 where it has the function); in text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class StdlibBuiltinTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private const string LeaderPath = "/nonexistent/sharptrace-leader";

    [Fact]
    public async Task RelativesOfARenamedThreadAreItsProcessAndItsParent()
    {
        var script = $$"""
            tracepoint:syscalls:sys_enter_openat /str(args.filename) == "{{LeaderPath}}"/ {
              printf("%s %d %d|%s %d %d\n", comm, pid, tid, leader_comm, leader_tid, ppid);
              exit();
            }
            """;
        using var sharptrace = SharpTraceRun.Start(["-e", script]);
        await sharptrace.WaitForAttachedAsync(Bound);
        var (shellPid, programPid) = await RunUnderShellAsync();
        var result = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal(0, result.ExitCode);
        var parts = result.Stdout.TrimEnd('\n').Split('|');
        var thread = parts[0].Split(' ');
        // The thread renamed itself: its comm is "worker", its pid the process's, its tid its own.
        Assert.Equal(("worker", programPid.ToString(CultureInfo.InvariantCulture)), (thread[0], thread[1]));
        Assert.NotEqual(thread[1], thread[2]);
        Assert.Equal($"thread_opener {programPid} {shellPid}", parts[1]);
    }

    [Fact]
    public async Task JsonHasTheRelatives()
    {
        var script = $$"""
            tracepoint:syscalls:sys_enter_openat /str(args.filename) == "{{LeaderPath}}"/ {
              @r = (leader_comm, leader_tid, ppid, leader_tid(curtask), ppid(curtask->group_leader)); exit();
            }
            """;
        using var sharptrace = SharpTraceRun.Start(["-f", "json", "-e", script]);
        await sharptrace.WaitForAttachedAsync(Bound);
        var (shellPid, programPid) = await RunUnderShellAsync();
        var result = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal(0, result.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
        Assert.Contains(
            $$$"""{"type": "map", "data": {"@r": ["thread_opener",{{{programPid}}},{{{shellPid}}},{{{programPid}}},{{{shellPid}}}]}}""",
            JsonLines.NonEmpty(result.Stdout));
    }

    [Fact]
    public async Task CpidIsTheChildAndHasCpidSaysWhetherThereIsOne()
    {
        var script = """
            BEGIN { printf("begin %d %d\n", has_cpid, cpid); }
            tracepoint:syscalls:sys_enter_openat /pid == cpid && str(args.filename) == "/nonexistent/sharptrace-cpid"/ {
              printf("open %d %d %s\n", has_cpid(), cpid(), comm);
            }
            """;
        var result = await SharpTraceRun.RunAsync(["-e", script, "-c", $"{TestPrograms.PathOf("opener")} /nonexistent/sharptrace-cpid"]);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var begin = lines[0].Split(' ');
        Assert.Equal(("begin", "1"), (begin[0], begin[1]));
        Assert.True(int.Parse(begin[2], CultureInfo.InvariantCulture) > 0);
        // The child that opened the file is the process cpid names.
        Assert.Equal($"open 1 {begin[2]} opener", lines[1]);
        Assert.DoesNotContain("cpid is zero", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CpidWithoutAChildIsZeroWithAWarning()
    {
        var text = await SharpTraceRun.RunAsync(["-e", """BEGIN { printf("%d %d\n", has_cpid, cpid); exit(); }"""]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", """BEGIN { @c = (has_cpid, cpid); exit(); }"""]);

        Assert.Equal((0, "0 0\n"), (text.ExitCode, text.Stdout));
        Assert.Contains("WARNING: No child command (`-c`); cpid is zero", text.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        Assert.Contains("""{"type": "map", "data": {"@c": [false,0]}}""", JsonLines.NonEmpty(json.Stdout));
    }

    [Fact]
    public async Task CpidMatchesBpftrace()
    {
        // bpftrace 0.17 has cpid with -c: the child's one open of the path, counted by both.
        var script = """tracepoint:syscalls:sys_enter_openat /pid == cpid && str(args->filename) == "/nonexistent/sharptrace-cpid"/ { @opens = count(); }""";
        string[] args = ["-e", script, "-c", $"{TestPrograms.PathOf("opener")} /nonexistent/sharptrace-cpid"];
        var expected = await BpftraceRun.RunAsync(args);
        var actual = await SharpTraceRun.RunAsync(args);

        Assert.Equal((0, "\n\n@opens: 1\n"), (expected.ExitCode, expected.Stdout));
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task PositionalParametersInAttachPointsMatchBpftrace()
    {
        // The child's openat calls (the loader's and the program's), the tracepoint named by $1 in both tools.
        var script = """tracepoint:syscalls:$1 /pid == cpid/ { @[probe, $#] = count(); }""";
        string[] args = ["-e", script, "-c", $"{TestPrograms.PathOf("opener")} /nonexistent/sharptrace-param", "sys_enter_openat"];
        var expected = await BpftraceRun.RunAsync(args);
        var actual = await SharpTraceRun.RunAsync(args);

        Assert.Equal(0, expected.ExitCode);
        Assert.Contains("@[tracepoint:syscalls:sys_enter_openat, 1]: ", expected.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    private const string StringPath = "/nonexistent/st-abc-needle";

    [Fact]
    public async Task StringFunctionsAgreeWithThePath()
    {
        var script = $$"""
            tracepoint:syscalls:sys_enter_openat /comm == "opener" && strcontains(str(args.filename), "/st-")/ {
              $path = str(args.filename);
              printf("%d %d %d %d %d|%d %d %d|%s|%d %d %d\n", strstr($path, "needle"), strstr($path, "zzz"),
                strstr($path, ""), strstr(args.filename, "st-"), strstr("xx/nonexistent/st-abc-needle", $path),
                strcap($path), strcap(comm), strcap(args.filename),
                str_concat(comm, $path),
                memcmp($path, "/nonexistent/st-abd", 19), memcmp($path, "/nonexistent/st-abd", 18), memcmp("b", $path, 1));
              exit();
            }
            """;
        using var sharptrace = SharpTraceRun.Start(["-e", script]);
        var result = await TestPrograms.RunWhileTracedAsync(sharptrace, "opener", StringPath);

        Assert.Equal(0, result.ExitCode);
        var fields = result.Stdout.TrimEnd('\n').Split('|');
        var p = StringPath;
        Assert.Equal($"{p.IndexOf("needle", StringComparison.Ordinal)} -1 0 {p.IndexOf("st-", StringComparison.Ordinal)} 2", fields[0]);
        // A str() copy's capacity is max_strlen (1024 by default), comm's 16, a pointer's the length of its string.
        Assert.Equal($"1024 16 {p.Length}", fields[1]);
        Assert.Equal("opener" + p, fields[2]);
        // memcmp: the bytes 'c' - 'd' at offset 18; equal in the first 18; 'b' - '/'.
        Assert.Equal($"{'c' - 'd'} 0 {'b' - '/'}", fields[3]);
    }

    [Fact]
    public async Task JsonHasTheStringResults()
    {
        var script = """
            tracepoint:syscalls:sys_enter_openat /comm == "opener" && strcontains(str(args.filename), "/st-")/ {
              @s[strstr(str(args.filename), "needle"), memcmp(comm, "opener", 6)] = str_concat("<", str(args.filename));
              exit();
            }
            """;
        using var sharptrace = SharpTraceRun.Start(["-f", "json", "-e", script]);
        var result = await TestPrograms.RunWhileTracedAsync(sharptrace, "opener", StringPath);

        Assert.Equal(0, result.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
        Assert.Contains(
            "{\"type\": \"map\", \"data\": {\"@s\": {\"" + StringPath.IndexOf("needle", StringComparison.Ordinal).ToString(CultureInfo.InvariantCulture)
            + ",0\": \"<" + StringPath + "\"}}}",
            JsonLines.NonEmpty(result.Stdout));
    }

    [Fact]
    public async Task MemcmpComparesTheBytesOfVariablesAndOfAddressesTakenOfThem()
    {
        // The newest bpftrace's memcmp (stdlib internal.bt, base.bpf.c) compares the bytes of its arguments' values,
        // signed chars, first difference left - right: integers as stored (little-endian, so 0x0102 and 0x0103 differ
        // first in byte 0: 2 - 3), strings by their characters. For `&$x` the value is the address: the same variable's
        // address compares equal, two variables' addresses differ (these are pointers spilled to the stack, which the
        // verifier would not let be read a byte at a time).
        var result = await SharpTraceRun.RunAsync(["-e", """
            begin {
              $x = 1; $y = 1; $z = 0x0102; $w = 0x0103; $s = "abc"; $t = "abd";
              printf("%d %d %d %d|%d %d|%d %d %d %d\n", memcmp($x, $y, 8), memcmp($z, $w, 8), memcmp($w, $z, 8), memcmp($z, $w, 0),
                memcmp(&$x, &$x, 8), memcmp(&$x, &$y, 8) != 0,
                memcmp($s, $t, 3), memcmp($s, $t, 2), memcmp($t, $s, 3), memcmp("xyz", "xaz", 3));
              exit();
            }
            """]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal($"0 {2 - 3} {3 - 2} 0|0 1|{'c' - 'd'} 0 {'d' - 'c'} {'y' - 'a'}\n", result.Stdout);
    }

    [Fact]
    public async Task MemcmpComparesStructsArraysAndPointers()
    {
        // first is { id 1, pos (10, 20), values {1,2,3,4} }, its next { id 2, pos (30, 40), values {5,6,7,8} }: the
        // first differing bytes are 10 and 30, 1 and 5; a struct equals itself, as does a pointer.
        var script = Visit("""
              $n = (struct node *)arg0;
              printf("%d %d %d %d %d %d\n", memcmp($n->pos, $n->next->pos, 8), memcmp(*$n, *$n, sizeof(struct node)),
                memcmp($n->values, $n->next->values, 16), memcmp($n->next->values, $n->values, 16),
                memcmp($n->values, $n->next->values, 0), memcmp($n, $n, 8));
            """);
        var result = await TraceVisitAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal((0, $"{10 - 30} 0 {1 - 5} {5 - 1} 0 0\n"), (result.ExitCode, result.Stdout));
    }

    private static string Visit(string body) => PointerTarget.Visit(body);

    private static Task<RunResult> TraceVisitAsync(TracerProcess tool) => PointerTarget.TraceVisitAsync(tool);

    [Fact]
    public async Task ContainerOfFindsTheNodeAroundItsMembers()
    {
        // visit(&first, values, &link): first is { id 1, pos (10, 20), values {1,2,3,4}, next: id 2 }.
        var script = Visit("""
              $n = (struct node *)arg0;
              $pos = (struct point *)(arg0 + 8);
              $vals = (int32 *)(arg0 + 16);
              printf("%d %d %d %d\n", container_of($pos, struct node, pos)->id, container_of($vals, struct node, values)->next->id,
                container_of($pos, struct node, pos.x)->values[3], (uint64)container_of($pos, struct node, pos) == (uint64)$n);
            """);
        var text = await TraceVisitAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceVisitAsync(SharpTraceRun.Start(["-f", "json", "-e", script.Replace("printf(\"%d %d %d %d\\n\", ", "@c = (", StringComparison.Ordinal)]));

        Assert.Equal((0, "1 2 4 1\n"), (text.ExitCode, text.Stdout));
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("""{"type": "map", "data": {"@c": [1,2,4,true]}}""", JsonLines.NonEmpty(json.Stdout));
    }

    [Fact]
    public async Task RegReadsTheArgumentRegistersAsBpftraceDoes()
    {
        // rdi holds &first (id 1), rsi the array {100, 200, …}.
        var script = Visit("""
              printf("%d %d %d\n", *(int64 *)reg("di"), *(int32 *)reg("si"), *(int32 *)(reg("si") + 4));
            """);
        var expected = await TraceVisitAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceVisitAsync(SharpTraceRun.Start(["-e", script]));
        var json = script.Replace("printf(\"%d %d %d\\n\", ", "@r = (", StringComparison.Ordinal);
        var expectedJson = await TraceVisitAsync(BpftraceRun.Start(["-f", "json", "-e", json]));
        var actualJson = await TraceVisitAsync(SharpTraceRun.Start(["-f", "json", "-e", json]));

        // bpftrace 0.17 ends with its exit section's two newlines, which sharptrace writes only before maps.
        Assert.Equal("1 100 200\n\n\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout.TrimEnd('\n') + "\n"), (actual.ExitCode, actual.Stdout));
        Assert.Equal(JsonLines.NonEmpty(expectedJson.Stdout), JsonLines.NonEmpty(actualJson.Stdout));
        Assert.Contains("""{"type": "map", "data": {"@r": [1,100,200]}}""", JsonLines.NonEmpty(actualJson.Stdout));
    }

    [Fact]
    public async Task CtxIsThePtRegsOfTheUprobe()
    {
        // bpftrace 0.17 reads ctx->di of a uprobe as 0 here, so the program's own bytes are the reference: rdi is
        // &first (id 1), rsi the array {100, …}, and the registers agree with reg() and arg0.
        var script = Visit("""
              printf("%d %d %d %d\n", *(int64 *)ctx->di, *(int32 *)ctx->si, ctx->di == arg0, ctx->ip == reg("ip"));
            """);
        var text = await TraceVisitAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceVisitAsync(SharpTraceRun.Start(["-f", "json", "-e",
            script.Replace("printf(\"%d %d %d %d\\n\", ", "@c = (", StringComparison.Ordinal)]));

        Assert.Equal((0, "1 100 1 1\n"), (text.ExitCode, text.Stdout));
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("""{"type": "map", "data": {"@c": [1,100,true,true]}}""", JsonLines.NonEmpty(json.Stdout));
    }

    [Fact]
    public async Task CtxOfAProfileProbeHasItsSamplePeriod()
    {
        // profile:hz:N asks for N samples a second: the perf event's sample_period is the frequency.
        // Each CPU may sample once before the exit takes effect: a map holds the one answer.
        var text = await SharpTraceRun.RunAsync(["-e", "profile:hz:997 { @positive = ctx->sample_period > 0; exit(); }"]);

        Assert.Equal((0, "@positive: true\n"), (text.ExitCode, text.Stdout.Trim('\n') + "\n"));
    }

    /// <summary>Runs thread_opener as a child of sh and returns sh's pid and the program's, as sh reports them.</summary>
    private static async Task<(int Shell, int Program)> RunUnderShellAsync()
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", "echo $$; \"$0\" \"$1\" & echo $!; wait $!", TestPrograms.PathOf("thread_opener"), LeaderPath })
            start.ArgumentList.Add(arg);
        using var shell = Process.Start(start)!;
        var output = await shell.StandardOutput.ReadToEndAsync();
        await shell.WaitForExitAsync();
        var pids = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        return (pids[0], pids[1]);
    }
}
