using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Differential;

/// <summary>
/// <c>print(value)</c> of values that are not maps, caused by real events: the same script under sharptrace and
/// bpftrace 0.17, whole stdout compared in text and JSON. Where the newest bpftrace prints differently from 0.17
/// (structs in JSON, pointers, bitfields, <c>print(@m[k])</c>, top and div as expressions) the expectation is the
/// newest reference's, written out in the test (docs/differences.md).
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class PrintValueDifferentialTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // The first members of tests/programs/probe_args.c's struct sample; "bits" is the byte holding its two bitfields
    // (flags 5, level -6: 5 | 26 << 3).
    private const string SampleHead = "struct sample { int id; short delta; char label[8]; unsigned char bits; long values[3]; };";

    // The whole struct, as the program declares it.
    private const string Sample = "struct sample { int id; short delta; char label[8]; unsigned int flags : 3; int level : 5; long values[3]; struct sample *next; };";

    public static TheoryData<string> BeginScripts => new()
    {
        """BEGIN { $x = (int8)-3; print(1); print(-5); print($x); print((uint64)-1); print("hi"); print((1, "a")); print((1, (2, "b"), "c")); @done = 1; exit(); }""",
        // buf() is in PrintAddressValueTests: the newest writes it in JSON as an array of bytes, 0.17 as text.
        """BEGIN { print(ntop(2, 0x0100007f)); print(ksym(kaddr("vfs_read"))); @done = 1; exit(); }""",
    };

    [Theory]
    [MemberData(nameof(BeginScripts))]
    public async Task BeginValuesPrintAsBpftracePrintsThemInText(string script) =>
        await AgainstBpftrace.AssertTextMatchesAsync(script);

    [Theory]
    [MemberData(nameof(BeginScripts))]
    public async Task BeginValuesPrintAsBpftracePrintsThemInJson(string script) =>
        await AgainstBpftrace.AssertJsonLinesMatchAsync(script);

    [Fact]
    public async Task StrOfAnIntegerLiteralPrintsItsDigitsAsTheNewestBpftraceFoldsIt()
    {
        // Moved out of the differential script above: bpftrace 0.17 reads a string at address 0 (an empty line); the
        // newest folds str() of a literal to its text (fold_literals.cpp: "this covers str(0)"), docs/differences.md.
        var text = await SharpTraceRun.RunAsync(["-e", "BEGIN { print(str(0)); print(str(12345, 3)); exit(); }"]);
        Assert.Equal((0, "0\n123\n"), (text.ExitCode, text.Stdout));
    }

    [Fact]
    public async Task StrerrorPrintsAsItsTextQuotedInJson()
    {
        const string Script = """BEGIN { print(strerror(7)); @done = 1; exit(); }""";

        await AgainstBpftrace.AssertTextMatchesAsync(Script);
        // bpftrace 0.17 writes the text unquoted (invalid JSON); the newest quotes it (its json-output "strerror" case).
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", Script]);
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "value", "data": "Argument list too long"}
            {"type": "map", "data": {"@done": 1}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task StructsArraysAndTheirMembersFromAUprobeMatchBpftrace()
    {
        var script = SampleHead + $$"""
            uprobe:{{TestPrograms.PathOf("probe_args")}}:measure {
              $s = (struct sample *)arg0;
              print(*$s); print($s->values); print($s->label); print($s->id); print(($s->id, $s->values));
              exit();
            }
            """;

        var expected = await TraceProbeArgsAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceProbeArgsAsync(SharpTraceRun.Start(["-e", script]));

        const string Printed = "{ .id = 7, .delta = -3, .label = alpha, .bits = 213, .values = [1,-2,3] }\n[1,-2,3]\nalpha\n7\n(7, [1,-2,3])\n";
        Assert.Equal(Printed + "\n\n", expected.Stdout); // bpftrace's empty exit section
        Assert.Equal((0, Printed), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task StructsAndArraysStoredInMapsPrintAtExitAsBpftracePrintsThem()
    {
        var script = SampleHead + $$"""
            uprobe:{{TestPrograms.PathOf("probe_args")}}:measure {
              $s = (struct sample *)arg0;
              @s = *$s; @a = $s->values; @t = (1, $s->values);
              exit();
            }
            """;

        var expected = await TraceProbeArgsAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceProbeArgsAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal("\n\n@a: [1,-2,3]\n@s: { .id = 7, .delta = -3, .label = alpha, .bits = 213, .values = [1,-2,3] }\n@t: (1, [1,-2,3])\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task StructsPrintAsTheNewestBpftracePrintsThem()
    {
        // The newest reference: bitfields as their bits (level's -6 in 5 bits is 26; 0.17 printed the whole word),
        // pointers in hex (0.17: decimal, and print() of a pointer was an error), JSON objects without inner spaces.
        var script = Sample + $$"""
            uprobe:{{TestPrograms.PathOf("probe_args")}}:measure {
              $s = (struct sample *)arg0;
              print(*$s); print(*$s->next); print($s->next->next);
              exit();
            }
            """;

        var text = await TraceProbeArgsAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceProbeArgsAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            { .id = 7, .delta = -3, .label = alpha, .flags = 5, .level = 26, .values = [1,-2,3], .next = 0xADDRESS }
            { .id = 42, .delta = 9, .label = beta, .flags = 2, .level = 3, .values = [4,5,6], .next = 0x0 }
            0x0

            """), (text.ExitCode, HexAddress().Replace(text.Stdout, "0xADDRESS")));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "value", "data": {"id": 7, "delta": -3, "label": "alpha", "flags": 5, "level": 26, "values": [1,-2,3], "next": ADDRESS}}
            {"type": "value", "data": {"id": 42, "delta": 9, "label": "beta", "flags": 2, "level": 3, "values": [4,5,6], "next": 0}}
            {"type": "value", "data": 0}

            """), (json.ExitCode, DecimalAddress().Replace(json.Stdout, "\"next\": ADDRESS")));
    }

    [Fact]
    public async Task TracepointValuesMatchBpftrace()
    {
        var path = $"/tmp/sharptrace-print-{Guid.NewGuid():N}";
        var script = $$"""tracepoint:syscalls:sys_enter_openat /str(args->filename) == "{{path}}"/ { print(str(args->filename)); print((comm, args->flags & 3, "x")); print(comm); exit(); }""";

        async Task<RunResult> TraceOneOpen(TracerProcess tool)
        {
            using (tool)
            {
                await tool.WaitForAttachedAsync(Bound);
                await TestPrograms.RunAsync("opener", path);
                return await tool.WaitForExitAsync(Bound);
            }
        }

        var expected = await TraceOneOpen(BpftraceRun.Start(["-e", script]));
        var actual = await TraceOneOpen(SharpTraceRun.Start(["-e", script]));
        var expectedJson = await TraceOneOpen(BpftraceRun.Start(["-f", "json", "-e", script]));
        var actualJson = await TraceOneOpen(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal($"{path}\n(opener, 0, x)\nopener\n\n\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout[..^2]), (actual.ExitCode, actual.Stdout));
        Assert.Equal(JsonLines.NonEmpty(expectedJson.Stdout), JsonLines.NonEmpty(actualJson.Stdout));
    }

    [Fact]
    public async Task MapValuesAndRunTimeTopAndDivPrintAsTheNewestBpftrace()
    {
        // bpftrace 0.17 takes only literals for top and div and cannot print @m[k]; the newest takes any integer
        // expression and prints @m[k] as a value: the same output as 0.17's literals and its print of the value.
        const string Ours = """BEGIN { @m[1] = 10; @m[2] = 20; @m[3] = 30; $t = 2; print(@m, $t, $t * 5); print(@m[2]); print(@m, $t - 3); @done = 1; exit(); }""";
        const string Literal = """BEGIN { @m[1] = 10; @m[2] = 20; @m[3] = 30; $t = 2; print(@m, 2, 10); print(20); print(@m); @done = 1; exit(); }""";

        await AgainstBpftrace.AssertTextMatchesAsync(Literal, Ours);
        await AgainstBpftrace.AssertJsonLinesMatchAsync(Literal, Ours);
    }

    private static async Task<RunResult> TraceProbeArgsAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("probe_args");
            return await tool.WaitForExitAsync(Bound);
        }
    }

    [GeneratedRegex("0x[0-9a-f]{6,}")]
    private static partial Regex HexAddress();

    [GeneratedRegex("\"next\": [1-9][0-9]+")]
    private static partial Regex DecimalAddress();
}
