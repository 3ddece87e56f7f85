using System.Text.Json;
using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// A printf per event under a flood of syscalls: every event is either printed or counted as lost, never dropped
/// silently. A count() in the same probe is the number of events.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class PrintfFloodTests : KernelTest
{
    private const int Calls = 300_000;
    private const string Script = """tracepoint:syscalls:sys_enter_getpid /pid == cpid/ { printf("%d\n", nsecs); @n = count(); }""";

    [Fact]
    public async Task TextPrintedPlusReportedLostEqualsEvents()
    {
        var result = await SharpTraceRun.RunAsync(["-e", Script, "-c", $"{TestPrograms.PathOf("getpid_flood")} {Calls}"]);

        Assert.Equal(0, result.ExitCode);
        var printed = result.Stdout.Split('\n').Count(line => IntegerLine().IsMatch(line));
        var events = long.Parse(CountLine().Match(result.Stdout).Groups[1].Value);
        var lost = LostLine().Match(result.Stdout) is { Success: true } m ? long.Parse(m.Groups[1].Value) : 0;
        Assert.Equal(Calls, events);
        Assert.Equal(events, printed + lost);
    }

    [Fact]
    public async Task JsonPrintedPlusReportedLostEqualsEvents()
    {
        var result = await SharpTraceRun.RunAsync(["-f", "json", "-e", Script, "-c", $"{TestPrograms.PathOf("getpid_flood")} {Calls}"]);

        Assert.Equal(0, result.ExitCode);
        long printed = 0, lost = 0, events = -1;
        foreach (var line in result.Stdout.Split('\n').Where(l => l.StartsWith('{')))
        {
            using var record = JsonDocument.Parse(line);
            var data = record.RootElement.GetProperty("data");
            switch (record.RootElement.GetProperty("type").GetString())
            {
                case "printf": printed++; break;
                case "lost_events": lost += data.GetProperty("events").GetInt64(); break;
                case "map": events = data.GetProperty("@n").GetInt64(); break;
            }
        }
        Assert.Equal(Calls, events);
        Assert.Equal(events, printed + lost);
    }

    [Theory]
    [InlineData("text", false)]
    [InlineData("json", true)]
    public async Task SigintOrSigtermEndsARunWhileEventsFloodInWithEndRunOnce(string format, bool terminate)
    {
        // The flood runs until sharptrace ends (the command dies with it): a billion calls take minutes.
        using var tool = SharpTraceRun.Start(["-f", format, "-e", Script + """ END { printf("end\n"); }""",
            "-c", $"{TestPrograms.PathOf("getpid_flood")} 1000000000"]);
        await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);
        await Task.Delay(TimeSpan.FromSeconds(1));
        if (terminate)
            tool.Terminate();
        else
            tool.Interrupt();

        // bpftrace stops in about half a second; the bound leaves room for a loaded machine, not for draining a flood.
        var result = await tool.WaitForExitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        Assert.Single(lines, line => line is "end" or """{"type": "printf", "data": "end\n"}""");
        Assert.True(lines.Length > 100, $"only {lines.Length} lines: the flood did not run");
    }

    [GeneratedRegex(@"^-?\d+$")]
    private static partial Regex IntegerLine();

    [GeneratedRegex(@"^@n: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex CountLine();

    [GeneratedRegex(@"^Lost (\d+) events$", RegexOptions.Multiline)]
    private static partial Regex LostLine();
}
