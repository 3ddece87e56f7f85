using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// DESIGN.md's map lifecycle, each case with its exact stdout in text and in JSON: cleared and deleted entries are
/// gone at once, in program order, and a map without entries prints nothing at all.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class MapLifecycleTests : KernelTest
{
    private const string Attached1 = "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n";
    private const string Attached2 = "{\"type\": \"attached_probes\", \"data\": {\"probes\": 2}}\n";

    /// <summary>Script, expected text stdout, expected JSON stdout.</summary>
    public static TheoryData<string, string, string> Cases => new()
    {
        // The seed case (self-exiting variant; the SIGINT variant is below).
        { "BEGIN { @myarg = 5; exit(); } END { clear(@myarg); }", "", Attached2 },
        { """BEGIN { @s = "abc"; exit(); } END { clear(@s); }""", "", Attached2 },
        { """BEGIN { @t = (1, "b"); exit(); } END { clear(@t); }""", "", Attached2 },
        { "BEGIN { @c = count(); exit(); } END { clear(@c); }", "", Attached2 },
        {
            "BEGIN { @m[1] = 1; @m[2] = 2; clear(@m); @n = 1; exit(); }",
            "\n\n@n: 1\n",
            Attached1 + "{\"type\": \"map\", \"data\": {\"@n\": 1}}\n"
        },
        { "BEGIN { @m[1] = 1; @m[2] = 2; delete(@m); exit(); }", "", Attached1 },
        {
            // has_key() is a bool in the newest bpftrace (true/false; 0.17 prints 1/0: docs/differences.md).
            "BEGIN { @m[1] = 1; @m[2] = 2; @m[3] = 3; delete(@m[1]); delete(@m, 2); exit(); }",
            "\n\n@m[3]: 3\n",
            Attached1 + "{\"type\": \"map\", \"data\": {\"@m\": {\"3\": 3}}}\n"
        },
        {
            """BEGIN { @t[1, "a"] = 1; @t[2, "b"] = 2; delete(@t, (1, "a")); delete(@t[2, "b"]); @u[1, "a"] = 5; delete(@u, (2, "a")); exit(); }""",
            "\n\n@u[1, a]: 5\n",
            // The delete of the missing (2, "a") warns at run time, as the newest bpftrace's JSON output has it
            // (output/json.cpp runtime_error, HELPER_ERROR: strerror's text, the helper id as a string, the return code).
            Attached1 + "{\"type\": \"helper_error\", \"msg\": \"No such file or directory\", \"helper\": \"3\", \"retcode\": -2, \"filename\": \"stdin\", \"line\": 1, \"col\": 99}\n"
                + "{\"type\": \"map\", \"data\": {\"@u\": {\"1,a\": 5}}}\n"
        },
        {
            "BEGIN { @a = 1; @b = 2; delete(@a); exit(); }",
            "\n\n@b: 2\n",
            Attached1 + "{\"type\": \"map\", \"data\": {\"@b\": 2}}\n"
        },
        {
            "BEGIN { @x = 1; clear(@x); @x = 7; exit(); }",
            "\n\n@x: 7\n",
            Attached1 + "{\"type\": \"map\", \"data\": {\"@x\": 7}}\n"
        },
        {
            "BEGIN { @x = 1; clear(@x); @y = @x + 10; exit(); }",
            "\n\n@y: 10\n",
            Attached1 + "{\"type\": \"map\", \"data\": {\"@y\": 10}}\n"
        },
        {
            "BEGIN { @m[1] = 1; @m[2] = 2; @m[3] = 3; delete(@m[1]); @a = len(@m); @b = has_key(@m, 1); @c = has_key(@m, 2); " +
            "clear(@m); @d = len(@m); @e = has_key(@m, 2); @m[9] = 9; @f = len(@m); @g = has_key(@m, 9); exit(); }",
            "\n\n@a: 2\n@b: false\n@c: true\n@d: 0\n@e: false\n@f: 1\n@g: true\n@m[9]: 9\n",
            Attached1 +
            "{\"type\": \"map\", \"data\": {\"@a\": 2}}\n{\"type\": \"map\", \"data\": {\"@b\": false}}\n{\"type\": \"map\", \"data\": {\"@c\": true}}\n" +
            "{\"type\": \"map\", \"data\": {\"@d\": 0}}\n{\"type\": \"map\", \"data\": {\"@e\": false}}\n{\"type\": \"map\", \"data\": {\"@f\": 1}}\n" +
            "{\"type\": \"map\", \"data\": {\"@g\": true}}\n{\"type\": \"map\", \"data\": {\"@m\": {\"9\": 9}}}\n"
        },
        {
            // Per-CPU storage: len() counts keys, not CPUs; has_key() sees a key whichever CPU wrote it.
            """BEGIN { @c["x"] = count(); @c["y"] = count(); @c["y"] = count(); @n = len(@c); @h = has_key(@c, "y"); delete(@c["x"]); @n2 = len(@c); exit(); }""",
            "\n\n@c[y]: 2\n@h: true\n@n: 2\n@n2: 1\n",
            Attached1 +
            "{\"type\": \"map\", \"data\": {\"@c\": {\"y\": 2}}}\n{\"type\": \"map\", \"data\": {\"@h\": true}}\n" +
            "{\"type\": \"map\", \"data\": {\"@n\": 2}}\n{\"type\": \"map\", \"data\": {\"@n2\": 1}}\n"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MapPrintsExactlyItsRemainingEntriesInText(string script, string text, string json)
    {
        _ = json;
        var result = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Equal((0, text), (result.ExitCode, result.Stdout));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MapPrintsExactlyItsRemainingEntriesInJson(string script, string text, string json)
    {
        _ = text;
        var result = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        Assert.Equal((0, json), (result.ExitCode, result.Stdout));
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
    }

    [Theory]
    [InlineData("text", "")]
    [InlineData("json", Attached2)]
    public async Task SeedCaseClearedInEndPrintsNothingAndEndsByItself(string format, string expected)
    {
        // A program of begin and end probes only ends once BEGIN ran, as the newest bpftrace does (0.17 waits for
        // Ctrl-C; docs/differences.md); the SIGINT path is VerticalSliceTests'.
        var result = await SharpTraceRun.RunAsync(["-f", format, "-e", "BEGIN { @myarg = 5; } END { clear(@myarg); }"]);

        Assert.Equal((0, expected), (result.ExitCode, result.Stdout));
        JsonLines.AssertEveryLineIsAnObject(format == "json" ? result.Stdout : "");
    }
}
