using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// A uprobe on tests/programs/enum_args's <c>set_mode(enum mode m, int step)</c>: <c>args.m</c> is typed <c>enum mode</c>
/// by the DWARF, so, as in the newest bpftrace (its tests/runtime/call printf_enum_symbolize*, other "symbolize enum in
/// map key/value", json-output enum_not_symbolized), printf's <c>%s</c>, <c>print</c>, map keys and values and tuples
/// show the enumerator's name in text (a value none has, 7, as its number), JSON the number, and map keys in JSON the
/// name. bpftrace 0.17 has no enum values (a plain integer, %s refused): see docs/differences.md.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class EnumUprobeTests : KernelTest
{
    private static string Target => TestPrograms.PathOf("enum_args");

    // The program calls set_mode(MODE_BUSY, 1), set_mode(MODE_DONE, 2), then set_mode(7, 3).
    private static string Script => $$"""
        uprobe:{{Target}}:set_mode {
          printf("%d %s %d\n", args.step, args.m, args.m);
          print(args.m);
          $m = args.m;
          @modes[$m] = args.step;
          @last = args.m;
          @t = (args.m, args.step);
          if (args.step == 3) { exit(); }
        }
        """;

    [Fact]
    public async Task AnEnumParameterPrintsByNameInTextAndAsItsNumberInJson()
    {
        var text = await TestPrograms.RunWhileTracedAsync(SharpTraceRun.Start(["-e", Script]), "enum_args", "1");
        var json = await TestPrograms.RunWhileTracedAsync(SharpTraceRun.Start(["-f", "json", "-e", Script]), "enum_args", "1");

        Assert.Equal(
            (0, "1 MODE_BUSY 2\nMODE_BUSY\n2 MODE_DONE 5\nMODE_DONE\n3 7 7\n7\n\n\n" +
                "@last: 7\n@modes[MODE_BUSY]: 1\n@modes[MODE_DONE]: 2\n@modes[7]: 3\n@t: (7, 3)\n"),
            (text.ExitCode, text.Stdout));
        Assert.Equal(0, json.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        Assert.Equal(
            [
                """{"type": "attached_probes", "data": {"probes": 1}}""",
                """{"type": "printf", "data": "1 MODE_BUSY 2\n"}""",
                """{"type": "value", "data": 2}""",
                """{"type": "printf", "data": "2 MODE_DONE 5\n"}""",
                """{"type": "value", "data": 5}""",
                """{"type": "printf", "data": "3 7 7\n"}""",
                """{"type": "value", "data": 7}""",
                """{"type": "map", "data": {"@last": 7}}""",
                """{"type": "map", "data": {"@modes": {"MODE_BUSY": 1, "MODE_DONE": 2, "7": 3}}}""",
                """{"type": "map", "data": {"@t": [7,3]}}""",
            ],
            JsonLines.NonEmpty(json.Stdout));
    }

    [Fact]
    public async Task TheNumbersAreBpftrace017s()
    {
        // 0.17 reads the same parameter as a plain integer: %d agrees, and so do the values behind the names above.
        static string Numbers(string arrow) => $$"""uprobe:{{Target}}:set_mode { printf("%d %d\n", args{{arrow}}step, args{{arrow}}m); if (args{{arrow}}step == 3) { exit(); } }""";

        var expected = await TestPrograms.RunWhileTracedAsync(BpftraceRun.Start(["-e", Numbers("->")]), "enum_args", "1");
        var actual = await TestPrograms.RunWhileTracedAsync(SharpTraceRun.Start(["-e", Numbers(".")]), "enum_args", "1");

        // 0.17 ends with its exit section's two newlines even when no map is printed; we write none (DESIGN.md).
        Assert.Equal("1 2\n2 5\n3 7\n\n\n", expected.Stdout);
        Assert.Equal((0, "1 2\n2 5\n3 7\n"), (actual.ExitCode, actual.Stdout));
    }
}
