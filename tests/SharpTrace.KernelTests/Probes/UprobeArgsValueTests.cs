using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// <c>args</c> of a uprobe as a value, the newest bpftrace's cases tests/runtime/builtin "args in uprobe store in map",
/// "args in a tuple in map", "args in uprobe store in map and access field", "args in uprobe as a map key" and
/// tests/runtime/record "record printing complex args", run on add3(1, 2, 39) of tests/programs/probe_args in place of
/// their uprobeFunction1(n, 'x'): the reference expects the record printed as a struct (<c>{ .n = 0x…, .c = 120 }</c>),
/// here <c>{ .a = 1, .b = 2, .c = 39 }</c>. bpftrace 0.17 refuses each script ("context cannot be assigned to a map",
/// "context cannot be used as a map key", differences.md), so the outputs are the reference's, stated whole; in JSON a
/// map key is its text without spaces or the tuple's parentheses (the reference's src/output/json.cpp).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class UprobeArgsValueTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private static string Target => TestPrograms.PathOf("probe_args");
    private const string Args = "{ .a = 1, .b = 2, .c = 39 }";
    private const string ArgsJson = """{"a": 1, "b": 2, "c": 39}""";
    private const string ArgsKey = "{.a=1,.b=2,.c=39}";

    public static TheoryData<string, string, string[]> Cases() => new()
    {
        {
            "@ = args; exit();",
            $"\n\n@: {Args}\n",
            ["""{"type": "map", "data": {"@": """ + ArgsJson + "}}"]
        },
        {
            """$a = (1, "hello", args); @[$a] = (args, "bye"); exit();""",
            $"\n\n@[1, hello, {Args}]: ({Args}, bye)\n",
            ["{\"type\": \"map\", \"data\": {\"@\": {\"1,hello," + ArgsKey + "\": [" + ArgsJson + ",\"bye\"]}}}"]
        },
        {
            "@ = args; print(@.c); exit();",
            $"39\n\n\n@: {Args}\n",
            ["""{"type": "value", "data": 39}""", """{"type": "map", "data": {"@": """ + ArgsJson + "}}"]
        },
        {
            "@[args] = 1; exit();",
            $"\n\n@[{Args}]: 1\n",
            ["{\"type\": \"map\", \"data\": {\"@\": {\"" + ArgsKey + "\": 1}}}"]
        },
        {
            """$args = args; $a = (a=1, b="hello", c=(args, (x=100, y=$args.c))); @[$a] = ("bye", (m=args, n=10)); exit();""",
            $"\n\n@[{{ .a = 1, .b = hello, .c = ({Args}, {{ .x = 100, .y = 39 }}) }}]: (bye, {{ .m = {Args}, .n = 10 }})\n",
            ["{\"type\": \"map\", \"data\": {\"@\": {\"{.a=1,.b=hello,.c=(" + ArgsKey + ",{.x=100,.y=39})}\": [\"bye\",{\"m\": " + ArgsJson + ", \"n\": 10}]}}}"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ArgsAsAValuePrintsAsTheNewestBpftraceInTextAndJson(string body, string text, string[] json)
    {
        var script = $"uprobe:{Target}:add3 {{ {body} }}";

        var textRun = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]));
        var jsonRun = await TraceOneRunAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, text), (textRun.ExitCode, textRun.Stdout));
        Assert.Equal(0, jsonRun.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(jsonRun.Stdout);
        Assert.Equal(["""{"type": "attached_probes", "data": {"probes": 1}}""", .. json], JsonLines.NonEmpty(jsonRun.Stdout));
    }

    [Fact]
    public async Task Bpftrace017RefusesArgsAsAMapValueOrKey()
    {
        var value = await BpftraceRun.RunAsync(["-e", $"uprobe:{Target}:add3 {{ @ = args; exit(); }}"]);
        var key = await BpftraceRun.RunAsync(["-e", $"uprobe:{Target}:add3 {{ @[args] = 1; exit(); }}"]);

        Assert.NotEqual(0, value.ExitCode);
        Assert.Contains("ERROR: context cannot be assigned to a map", value.Stderr);
        Assert.NotEqual(0, key.ExitCode);
        Assert.Contains("ERROR: context cannot be used as a map key", key.Stderr);
    }

    /// <summary>Starts tracing, runs probe_args once when attached, and waits for the tracer to exit by itself.</summary>
    private static async Task<RunResult> TraceOneRunAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("probe_args");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
