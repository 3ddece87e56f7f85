using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// The newest bpftrace's syntax run on the kernel: lowercase and several begin/end blocks, a program of those alone
/// ending by itself, bools, block expressions, durations in expressions and probe specs, and a uprobe target written
/// as a relative path. Expectations come from the newest bpftrace's docs and sources (named at each), whole stdout,
/// text and JSON; bpftrace 0.17 has none of these, so nothing here is differential.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class Syntax026Tests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private const string BeginEnd = """
        begin { printf("a\n"); } BEGIN { printf("b\n"); } end { printf("e1\n"); } END { printf("e2\n"); }
        """;

    [Fact]
    public async Task SeveralBeginAndEndBlocksRunInOrderAndTheProgramEndsByItself()
    {
        // language.md "begin/end": "Each of these probes can be used any number of times, and they will be executed
        // in the same order they are declared"; bpftrace.cpp drains and stops when only begin/end probes are attached.
        var text = await SharpTraceRun.RunAsync(["-e", BeginEnd]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", BeginEnd]);

        Assert.Equal((0, "a\nb\ne1\ne2\n", "Attached 4 probes\n"), (text.ExitCode, text.Stdout, text.Stderr));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 4}}
            {"type": "printf", "data": "a\n"}
            {"type": "printf", "data": "b\n"}
            {"type": "printf", "data": "e1\n"}
            {"type": "printf", "data": "e2\n"}

            """), (json.ExitCode, json.Stdout));
    }

    private const string Uprobe = """
        uprobe:out/probe_args:add3 {
          $b = arg0 == 1;
          @eq[arg1 > 5] = $b;
          @t = (true, !$b, arg1 < arg2 && false);
          @blk = { let $s = arg0 + arg1; $s * 2 };
          if ({ let $c = arg2 > 30; $c }) { printf("big %d %s\n", $b, $b); }
          _ = has_key(@eq, false);
          @d = 1s + 100ms - 10us + 5ns;
          exit();
        }
        """;

    [Fact]
    public async Task BoolsAndBlockExpressionsInAUprobeOnARelativePathPrintAsTheReferenceSays()
    {
        // probe_args calls add3(1, 2, 39). tests/runtime/bool and json-output of the newest bpftrace: a bool prints
        // true/false, [true,false] in JSON; format_string.cpp: %d of a bool is its number, %s anything.
        var text = await TraceFromProgramsDirectory("text");
        var json = await TraceFromProgramsDirectory("json");

        Assert.Equal((0, "big 1 true\n\n\n@blk: 6\n@d: 1099990005\n@eq[false]: true\n@t: (true, false, false)\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "printf", "data": "big 1 true\n"}
            {"type": "map", "data": {"@blk": 6}}
            {"type": "map", "data": {"@d": 1099990005}}
            {"type": "map", "data": {"@eq": {"false": true}}}
            {"type": "map", "data": {"@t": [true,false,false]}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task AnIntervalOfOneDurationFiresAndIsNamedInMicroseconds()
    {
        // language.md "interval": "interval:1s, interval:1000000000, and interval:s:1 are all equivalent";
        // attachpoint_passes.cpp names a duration's probe by its whole microseconds (interval:us:N).
        const string script = """interval:20ms { printf("%s\n", probe); exit(); }""";
        var text = await SharpTraceRun.RunAsync(["-e", script]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        Assert.Equal((0, "interval:us:20000\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "printf", "data": "interval:us:20000\n"}

            """), (json.ExitCode, json.Stdout));
    }

    private const string Usdt = """
        usdt:out/usdt_probes:usdt_probes:constants {
          $a = arg0 ?: 9; $z = ((int64)arg0 - 5) ?: (int64)arg2;
          _ = arg1 * 2;
          if (arg0 > 1) { let $y = (int64)arg1; @y = $y; }
          if (arg0 > 2) { let $y = "s"; print($y); }
          print(arg0 > 4);
          @e[$a, $z] = (int64)arg1 < 0;
          exit();
        }
        """;

    [Fact]
    public async Task ShortTernaryDiscardAndBlockScopedLetsInAUsdtProbeOnARelativePathAsTheReferenceSays()
    {
        // usdt_probes fires usdt_probes:constants with 5, -3, 1000000. The newest reference: runtime/other
        // "ternary_empty_2nd_operand" (`$x ?: 10` is $x when it is not zero, `0 ?: 20` is 20); language.md "Discard
        // Expression" (`_ = e;` runs e and drops it) and "Variables" (a `let` lives in its block, so two sibling blocks
        // may each declare `$y`, of different types); runtime/bool: a comparison prints true; usdt targets as relative
        // paths like uprobes (runtime/usdt writes `usdt:./testprogs/usdt_test:…`; without `./` here).
        var text = await TraceFromProgramsDirectory("text", Usdt, "usdt_probes");
        var json = await TraceFromProgramsDirectory("json", Usdt, "usdt_probes");

        Assert.Equal((0, "s\ntrue\n\n\n@e[5, 1000000]: true\n@y: -3\n", "Attached 1 probe\n"), (text.ExitCode, text.Stdout, text.Stderr));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "value", "data": "s"}
            {"type": "value", "data": true}
            {"type": "map", "data": {"@e": {"5,1000000": true}}}
            {"type": "map", "data": {"@y": -3}}

            """), (json.ExitCode, json.Stdout));
    }

    /// <summary>Runs the uprobe script from tests/programs, so "out/probe_args" is relative, and runs the program once attached.</summary>
    private static Task<RunResult> TraceFromProgramsDirectory(string format) =>
        TraceFromProgramsDirectory(format, Uprobe, "probe_args", "hello");

    /// <summary>Runs <paramref name="script"/> from tests/programs, so "out/NAME" is relative, and runs the program once attached.</summary>
    private static async Task<RunResult> TraceFromProgramsDirectory(string format, string script, string program, params string[] arguments)
    {
        var programs = Path.GetDirectoryName(Path.GetDirectoryName(TestPrograms.PathOf(program)))!;
        using var tool = new TracerProcess("sharptrace", "/bin/sh", ["-c", "cd \"$0\" && exec \"$1\" -f \"$2\" -e \"$3\"",
            programs, SharpTraceRun.BinaryPath, format, script], null, stdout => stdout, stderr => stderr);
        await tool.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync(program, arguments);
        return await tool.WaitForExitAsync(Bound);
    }
}
