using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// <c>func</c> in a uprobe and a uretprobe on tests/programs/enum_args's <c>set_mode</c> (called three times, then the
/// program exits): a <c>usym_t</c>, as the newest bpftrace's type resolver types it, printed as the newest prints a
/// usym (the function's name without an offset; JSON a string), in printf, print, map keys and values, also at exit
/// when the process is gone. bpftrace 0.17's func of one function was a string; it prints the same text.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class UprobeFuncTests : KernelTest
{
    private static string Target => TestPrograms.PathOf("enum_args");

    // exit() at the third call's entry: the uretprobe has seen at least the first two returns.
    private static string Script => $$"""
        uprobe:{{Target}}:set_mode { printf("%s|\n", func); print(func); @f[func] = count(); @last = func; if (args.step == 3) { exit(); } }
        uretprobe:{{Target}}:set_mode { @r = func; }
        """;

    [Fact]
    public async Task FuncPrintsTheFunctionsNameInTextAndJson()
    {
        var text = await TestPrograms.RunWhileTracedAsync(SharpTraceRun.Start(["-e", Script]), "enum_args", "1");
        var json = await TestPrograms.RunWhileTracedAsync(SharpTraceRun.Start(["-f", "json", "-e", Script]), "enum_args", "1");

        Assert.Equal((0, "set_mode|\nset_mode\nset_mode|\nset_mode\nset_mode|\nset_mode\n\n\n@f[set_mode]: 3\n@last: set_mode\n@r: set_mode\n"),
            (text.ExitCode, text.Stdout));
        Assert.Equal(0, json.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        Assert.Equal(
            [
                """{"type": "attached_probes", "data": {"probes": 2}}""",
                """{"type": "printf", "data": "set_mode|\n"}""",
                """{"type": "value", "data": "set_mode"}""",
                """{"type": "printf", "data": "set_mode|\n"}""",
                """{"type": "value", "data": "set_mode"}""",
                """{"type": "printf", "data": "set_mode|\n"}""",
                """{"type": "value", "data": "set_mode"}""",
                """{"type": "map", "data": {"@f": {"set_mode": 3}}}""",
                """{"type": "map", "data": {"@last": "set_mode"}}""",
                """{"type": "map", "data": {"@r": "set_mode"}}""",
            ],
            JsonLines.NonEmpty(json.Stdout));
    }

    [Fact]
    public async Task FuncIsAUsymTInTypeDumps()
    {
        var types = await SharpTraceRun.RunAsync(["-d", "types", "--dry-run", "-e", Script]);

        Assert.Equal(0, types.ExitCode);
        Assert.Contains("Map @last :: usym_t\n", types.Stdout, StringComparison.Ordinal);
        Assert.Contains("Map @f[usym_t] :: count_t\n", types.Stdout, StringComparison.Ordinal);
    }
}
