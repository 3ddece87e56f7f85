using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// Issue #12: a whole <c>struct task_struct</c> (over 3 KiB, far more than the 512-byte BPF stack) printed, copied into
/// a variable and a map value, and its nested members read back from the copies. The frame keeps such slots in the
/// per-CPU scratch map. The test starts getpid_flood itself, waiting on its stdin, so it knows the traced task: its
/// pid (= tgid, one thread), its comm, its parent (the test host) and its nice value (/proc/PID/stat), from which the
/// kernel's scheduler fields follow (static_prio = 120 + nice; se.load.weight = sched_prio_to_weight[nice + 20] scaled
/// by 1024, as on every 64-bit kernel). The newest bpftrace prints structs and keeps them in maps as values, putting
/// the large ones in pre-allocated memory (its on_stack_limit), so all of this is what it does too. bpftrace 0.17
/// cannot load any of these scripts (its stack limit error; for print, `A call to built-in function 'memset' is not
/// supported`), so the expectations are the task's known values, not 0.17's output (docs/differences.md).
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class LargeStructValueTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // kernel/sched/core.c: sched_prio_to_weight, nice -20 to 19.
    private static readonly int[] PrioToWeight =
    [
        88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
        9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
        1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
        110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
    ];

    [Fact]
    public async Task PrintOfTheWholeTaskStructShowsTheTracedTaskInTextAndJson()
    {
        using var target = new Target();
        var script = $"tracepoint:syscalls:sys_enter_getpid /pid == {target.Pid}/ {{ print(*curtask); exit(); }}";

        var text = await TraceAsync(["-e", script], target);
        var line = Assert.Single(text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("{ .thread_info = { ", line, StringComparison.Ordinal);
        Assert.EndsWith(" }", line, StringComparison.Ordinal);
        Assert.Contains($", .prio = {target.StaticPrio}, .static_prio = {target.StaticPrio}, ", line, StringComparison.Ordinal);
        Assert.Contains($", .se = {{ .load = {{ .weight = {target.Weight}, ", line, StringComparison.Ordinal);
        Assert.Contains($", .pid = {target.Pid}, .tgid = {target.Pid}, ", line, StringComparison.Ordinal);
        Assert.Contains(", .comm = getpid_flood, ", line, StringComparison.Ordinal);
        Assert.True(line.Length > 4096, $"the whole struct prints: {line.Length} characters");

        using var jsonTarget = new Target();
        var json = await TraceAsync(["-f", "json", "-e", Retarget(script, target, jsonTarget)], jsonTarget);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        var lines = JsonLines.NonEmpty(json.Stdout);
        Assert.Equal(2, lines.Count);
        Assert.Equal("""{"type": "attached_probes", "data": {"probes": 1}}""", lines[0]);
        using var value = JsonDocument.Parse(lines[1]);
        Assert.Equal("value", value.RootElement.GetProperty("type").GetString());
        var task = value.RootElement.GetProperty("data");
        Assert.Equal(JsonValueKind.Object, task.ValueKind);
        // The same members, in the same order, as the text prints at its top level.
        Assert.Equal(TopLevelMembers(line), task.EnumerateObject().Select(member => member.Name));
        Assert.Equal("getpid_flood", task.GetProperty("comm").GetString());
        Assert.Equal(task.GetProperty("pid").GetInt32(), task.GetProperty("tgid").GetInt32());
        Assert.Equal(target.StaticPrio, task.GetProperty("static_prio").GetInt32());
        Assert.Equal(target.Weight, task.GetProperty("se").GetProperty("load").GetProperty("weight").GetInt64());
    }

    [Fact]
    public async Task TaskStructsCopiedIntoAVariableAndMapValuesPrintAtExit()
    {
        using var target = new Target();
        var script = $$"""
            tracepoint:syscalls:sys_enter_getpid /pid == {{target.Pid}}/ {
              $s = *curtask; @t[pid] = *curtask; @v = $s;
              print($s.pid == pid); print(@t[pid].tgid == $s.tgid);
              exit();
            }
            """;

        var text = await TraceAsync(["-e", script], target);
        var lines = JsonLines.NonEmpty(text.Stdout);
        Assert.Equal(4, lines.Count);
        Assert.Equal(["true", "true"], lines.Take(2));
        Assert.StartsWith($"@t[{target.Pid}]: {{ .thread_info = {{ ", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("@v: { .thread_info = { ", lines[3], StringComparison.Ordinal);
        foreach (var map in lines.Skip(2))
        {
            Assert.EndsWith(" }", map, StringComparison.Ordinal);
            Assert.Contains($", .pid = {target.Pid}, .tgid = {target.Pid}, ", map, StringComparison.Ordinal);
            Assert.Contains(", .comm = getpid_flood, ", map, StringComparison.Ordinal);
            Assert.Contains($", .static_prio = {target.StaticPrio}, ", map, StringComparison.Ordinal);
            Assert.Contains($", .se = {{ .load = {{ .weight = {target.Weight}, ", map, StringComparison.Ordinal);
        }

        var jsonTarget = new Target();
        using (jsonTarget)
        {
            var json = await TraceAsync(["-f", "json", "-e", Retarget(script, target, jsonTarget)], jsonTarget);
            JsonLines.AssertEveryLineIsAnObject(json.Stdout);
            var records = JsonLines.NonEmpty(json.Stdout);
            Assert.Equal(5, records.Count);
            Assert.Equal(
                ["""{"type": "value", "data": true}""", """{"type": "value", "data": true}"""],
                records.Skip(1).Take(2));
            using var t = JsonDocument.Parse(records[3]);
            using var v = JsonDocument.Parse(records[4]);
            Assert.Equal("map", t.RootElement.GetProperty("type").GetString());
            var copies = t.RootElement.GetProperty("data").GetProperty("@t");
            Assert.Equal([jsonTarget.Pid.ToString()], copies.EnumerateObject().Select(entry => entry.Name));
            foreach (var task in new[] { copies.GetProperty(jsonTarget.Pid.ToString()), v.RootElement.GetProperty("data").GetProperty("@v") })
            {
                Assert.Equal(JsonValueKind.Object, task.ValueKind);
                Assert.Equal(jsonTarget.Pid, task.GetProperty("pid").GetInt32());
                Assert.Equal(jsonTarget.Pid, task.GetProperty("tgid").GetInt32());
                Assert.Equal("getpid_flood", task.GetProperty("comm").GetString());
                Assert.Equal(jsonTarget.StaticPrio, task.GetProperty("static_prio").GetInt32());
                Assert.Equal(jsonTarget.Weight, task.GetProperty("se").GetProperty("load").GetProperty("weight").GetInt64());
            }
        }
    }

    [Fact]
    public async Task NestedMembersOfCopiesTooLargeForTheStackReadBackTheTask()
    {
        // From the copies (a variable, a map value, a tuple's element, a loop body's own copy) and through the pointer:
        // the scheduler's weight, the static priority, the parent's tgid through a pointer member of the copy, the
        // CPU the task runs on, the number of threads through `signal`.
        using var target = new Target();
        var script = $$"""
            tracepoint:syscalls:sys_enter_getpid /pid == {{target.Pid}}/ {
              $s = *curtask; @t[pid] = *curtask; $u = (7, *curtask);
              printf("%d %d %d %d\n", $s.se.load.weight, curtask->se.load.weight, @t[pid].se.load.weight, $u.1.se.load.weight);
              printf("%d %d %d %d %s %s\n", $s.static_prio, $s.real_parent->tgid, $s.thread_info.cpu == cpu, $s.signal->nr_threads, $s.comm, @t[pid].comm);
              @m[1] = 1;
              for ($kv : @m) { $w = *curtask; printf("%d %d %d\n", $w.pid, $s.tgid, $w.se.load.weight); }
              exit();
            }
            """;

        var text = await TraceAsync(["-e", script], target);
        var expected = $"""
            {target.Weight} {target.Weight} {target.Weight} {target.Weight}
            {target.StaticPrio} {Environment.ProcessId} 1 1 getpid_flood getpid_flood
            {target.Pid} {target.Pid} {target.Weight}

            """;
        Assert.StartsWith(expected + "\n\n@m[1]: 1\n@t[", text.Stdout, StringComparison.Ordinal);

        var jsonTarget = new Target();
        using (jsonTarget)
        {
            var json = await TraceAsync(["-f", "json", "-e", Retarget(script, target, jsonTarget)], jsonTarget);
            var jsonExpected = $"""
                {jsonTarget.Weight} {jsonTarget.Weight} {jsonTarget.Weight} {jsonTarget.Weight}
                {jsonTarget.StaticPrio} {Environment.ProcessId} 1 1 getpid_flood getpid_flood
                {jsonTarget.Pid} {jsonTarget.Pid} {jsonTarget.Weight}
                """.Split('\n').Select(printed => $$"""{"type": "printf", "data": "{{printed}}\n"}""");
            JsonLines.AssertEveryLineIsAnObject(json.Stdout);
            var records = JsonLines.NonEmpty(json.Stdout);
            Assert.Equal(["""{"type": "attached_probes", "data": {"probes": 1}}""", .. jsonExpected], records.Take(4));
            Assert.Equal(["""{"type": "map", "data": {"@m": {"1": 1}}}"""], records.Skip(4).Take(1));
            Assert.StartsWith($$"""{"type": "map", "data": {"@t": {"{{jsonTarget.Pid}}": {"thread_info": {""", records[5], StringComparison.Ordinal);
            Assert.Equal(6, records.Count);
        }
    }

    [Fact]
    public async Task AStructPastTheScratchSpaceIsNotCopiedButItsMembersReadThroughThePointer()
    {
        // Eleven task_structs (35904 bytes) pass the scratch map's 32 KiB (a per-CPU map value's limit): the copy is
        // an error at the probe (its whole span), before anything loads; the nested members read through a pointer are not.
        const string Types = "struct tasks { struct task_struct t[11]; }\n";
        var copy = await SharpTraceRun.RunAsync(["-e", Types + "tracepoint:syscalls:sys_enter_getpid { $x = *(struct tasks *)curtask; print($x.t[0].pid); }"]);
        Assert.Equal(1, copy.ExitCode);
        Assert.Equal(
            "stdin:2:1-92: ERROR: tracepoint:syscalls:sys_enter_getpid: the probe needs more than 32768 bytes of scratch space",
            copy.Stderr.Split('\n')[0]);
        Assert.DoesNotContain("   at ", copy.Stderr, StringComparison.Ordinal);
        Assert.Equal("", copy.Stdout);

        using var target = new Target();
        var read = await TraceAsync(["-e", Types + $$"""
            tracepoint:syscalls:sys_enter_getpid /pid == {{target.Pid}}/ {
              $p = (struct tasks *)curtask;
              printf("%d %d %d %s\n", $p->t[0].pid, $p->t[0].se.load.weight, $p->t[0].real_parent->tgid, $p->t[0].comm);
              exit();
            }
            """], target);
        Assert.Equal($"{target.Pid} {target.Weight} {Environment.ProcessId} getpid_flood\n", read.Stdout);
    }

    /// <summary>The names of the members at the top level of a struct as text prints it (<c>{ .a = 1, .b = { .c = 2 } }</c>: a, b).</summary>
    private static List<string> TopLevelMembers(string text)
    {
        var names = new List<string>();
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '{' or '[': depth++; break;
                case '}' or ']': depth--; break;
                case '.' when depth == 1 && i >= 2 && text[(i - 2)..i] is "{ " or ", ":
                    var match = MemberName().Match(text, i);
                    if (match.Success && match.Index == i)
                        names.Add(match.Groups[1].Value);
                    break;
            }
        }

        return names;
    }

    [GeneratedRegex(@"\.(\w+) = ")]
    private static partial Regex MemberName();

    /// <summary>The script filtering on <paramref name="to"/>'s pid instead of <paramref name="from"/>'s.</summary>
    private static string Retarget(string script, Target from, Target to) =>
        script.Replace($"/pid == {from.Pid}/", $"/pid == {to.Pid}/", StringComparison.Ordinal);

    private static async Task<RunResult> TraceAsync(string[] args, Target target)
    {
        using var tool = SharpTraceRun.Start(args);
        await tool.WaitForAttachedAsync(Bound);
        await target.GoAsync();
        var result = await tool.WaitForExitAsync(Bound);
        Assert.Equal(0, result.ExitCode);
        return result;
    }

    /// <summary>getpid_flood making one getpid call after a line on its stdin: a task whose pid the test knows first.</summary>
    private sealed class Target : IDisposable
    {
        private readonly Process _process;

        public Target()
        {
            var start = new ProcessStartInfo(TestPrograms.PathOf("getpid_flood"))
            {
                RedirectStandardInput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("1");
            start.ArgumentList.Add("wait");
            _process = Process.Start(start) ?? throw new InvalidOperationException("could not start getpid_flood");
            // /proc/PID/stat: "PID (COMM) STATE …", the nice value the 19th field (the 17th after the comm).
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            Nice = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]);
        }

        public int Pid => _process.Id;

        public int Nice { get; }

        public int StaticPrio => 120 + Nice;

        public long Weight => PrioToWeight[Nice + 20] * 1024L;

        public async Task GoAsync()
        {
            await _process.StandardInput.WriteLineAsync("go");
            await _process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(Bound);
            await _process.StandardError.ReadToEndAsync(timeout.Token);
            await _process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, _process.ExitCode);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill();
            _process.Dispose();
        }
    }
}
