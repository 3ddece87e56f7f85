using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// printf's <c>%s</c> of values that are not strings, from a real event (a uprobe on tests/programs/probe_args'
/// <c>measure</c>, run by the test): as the newest bpftrace, any value prints as <c>print()</c> shows it (its
/// format_string.cpp streams the value through its text output, in JSON mode too: the printf record holds that
/// text). bpftrace 0.17 refuses them ("%s specifier expects a value of type string"), docs/differences.md. The texts
/// expected are print()'s, which PrintValueDifferentialTests checks against bpftrace for the same struct.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PrintfAnyValueTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // The first members of struct sample; "bits" is the byte holding its two bitfields (flags 5, level -6: 5 | 26 << 3).
    private const string SampleHead = "struct sample { int id; short delta; char label[8]; unsigned char bits; long values[3]; };";

    private static string Script => SampleHead + $$"""
        uprobe:{{TestPrograms.PathOf("probe_args")}}:measure {
          $s = (struct sample *)arg0;
          printf("%s|%s|%s|%s|%-6s|%s\n", *$s, ($s->id, $s->label), $s->delta, $s->id == 7, $s->id > 7, $s->values);
          exit();
        }
        """;

    private const string Printed = "{ .id = 7, .delta = -3, .label = alpha, .bits = 213, .values = [1,-2,3] }|(7, alpha)|-3|true|false |[1,-2,3]";

    [Fact]
    public async Task StructTupleIntegerAndBoolPrintAsPrintShowsThem()
    {
        var text = await TraceProbeArgsAsync(SharpTraceRun.Start(["-e", Script]));

        Assert.Equal((0, Printed + "\n"), (text.ExitCode, text.Stdout));
    }

    [Fact]
    public async Task InJsonThePrintfRecordHoldsTheSameText()
    {
        var json = await TraceProbeArgsAsync(SharpTraceRun.Start(["-f", "json", "-e", Script]));

        Assert.Equal((0, $$$"""
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "printf", "data": "{{{Printed}}}\n"}

            """), (json.ExitCode, json.Stdout));
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
}
