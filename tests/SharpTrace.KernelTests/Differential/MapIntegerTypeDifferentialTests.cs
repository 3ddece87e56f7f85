using SharpTrace.TestShared;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Differential;

/// <summary>
/// Maps keep an integer at its own width and sign, and range loop variables are as wide as their bounds, as the newest
/// bpftrace types them (type_resolver.cpp get_map_value_type, get_map_key_type, get_range_type): stored and printed
/// values are bpftrace 0.17's, which keeps every integer in 64 bits, except where 0.17 typed a map by its first value
/// alone; <c>sizeof</c> of a map differs too (docs/differences.md).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class MapIntegerTypeDifferentialTests : KernelTest
{
    [Fact]
    public async Task NarrowAndNegativeMapValuesAndKeysPrintAsBpftraceDoes()
    {
        const string script = "BEGIN { @a = (int8)-1; @b = (uint8)255; @c = (int16)-300; @w = (int8)-1; @w = (uint8)200; "
            + "@k[(int16)-3] = (uint32)4000000000; @k[(uint8)250] = 1; @t = (1, (int16)-5, \"x\"); "
            + "@h = hist((int8)5); @n = count(); @x = @a + 1; exit(); }";

        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        const string maps = """
            @a: -1
            @b: 255
            @c: -300
            @h:
            [4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @k[250]: 1
            @k[-3]: 4000000000
            @n: 1
            @t: (1, -5, x)
            @w: 200
            @x: 0

            """;
        // bpftrace 0.17 types @w by its first value, an int8, and the uint8 200 comes back as -56; the newest promotes
        // an int8 and a uint8 to an int16 (get_promoted_int), which holds both.
        // The newest writes a histogram's header without 0.17's space after the colon (docs/differences.md).
        Assert.Equal((0, maps.Replace("@w: 200", "@w: -56", StringComparison.Ordinal)),
            (expected.ExitCode, Bpftrace017Text.WithNewestHistogramHeaders(expected.Stdout).TrimStart('\n')));
        Assert.Equal((0, maps), (actual.ExitCode, actual.Stdout.TrimStart('\n')));
        Assert.DoesNotContain("WARNING", actual.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, json.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        Assert.Equal(
        [
            """{"type": "map", "data": {"@a": -1}}""",
            """{"type": "map", "data": {"@b": 255}}""",
            """{"type": "map", "data": {"@c": -300}}""",
            """{"type": "hist", "data": {"@h": [{"min": 4, "max": 7, "count": 1}]}}""",
            """{"type": "map", "data": {"@k": {"250": 1, "-3": 4000000000}}}""",
            """{"type": "map", "data": {"@n": 1}}""",
            """{"type": "map", "data": {"@t": [1,-5,"x"]}}""",
            """{"type": "map", "data": {"@w": 200}}""",
            """{"type": "map", "data": {"@x": 0}}""",
        ], JsonLines.NonEmpty(json.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SizeofAMapIsItsValuesWidthAndARangeVariableIsAsWideAsItsBounds()
    {
        const string script = "BEGIN { @a = (int8)1; @b = (uint16)2; printf(\"%d %d\\n\", sizeof(@a), sizeof(@b)); exit(); }";
        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);

        // bpftrace 0.17 keeps every map integer in 64 bits; the newest keeps the width assigned (map_integer_sizes).
        Assert.Equal("8 8\n", expected.Stdout.Split("\n\n")[0].Trim('\n') + "\n");
        Assert.Equal((0, "1 2\n"), (actual.ExitCode, actual.Stdout.Split("\n\n")[0].Trim('\n') + "\n"));

        // bpftrace 0.17 has no range loops: the newest's get_range_type makes $i an int8 for 0..3 and an int16 for
        // -300..-297; negative narrow values stay negative when stored and printed.
        const string loops = "BEGIN { for ($i : 0..3) { @s[$i] = $i; printf(\"%d %d\\n\", $i, sizeof($i)); } "
            + "for ($j : -300..-298) { @n[$j] = sizeof($j); } exit(); }";
        var text = await SharpTraceRun.RunAsync(["-e", loops]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", loops]);

        Assert.Equal((0, "0 1\n1 1\n2 1\n\n\n@n[-300]: 2\n@n[-299]: 2\n@s[0]: 0\n@s[1]: 1\n@s[2]: 2\n"), (text.ExitCode, text.Stdout));
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(
        [
            """{"type": "printf", "data": "0 1\n"}""",
            """{"type": "printf", "data": "1 1\n"}""",
            """{"type": "printf", "data": "2 1\n"}""",
            """{"type": "map", "data": {"@n": {"-300": 2, "-299": 2}}}""",
            """{"type": "map", "data": {"@s": {"0": 0, "1": 1, "2": 2}}}""",
        ], JsonLines.NonEmpty(json.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }
}
