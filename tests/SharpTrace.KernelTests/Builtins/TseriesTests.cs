using System.Globalization;
using System.Text.Json;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// tseries() over real events: the test opens a missing file three times, about 1.2 s apart, and the probe records
/// the opener's pid (the last value of each 1 s interval) and a count per interval ("sum"). Checked against the
/// test's own pid, the number of opens and the wall clock read around them, in text and JSON. bpftrace 0.17 has no
/// tseries, so there is no differential test; the layout is checked against the reference's outputs in the unit tests.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class TseriesTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private const string Path = "/nonexistent/sharptrace-tseries";

    private static string Script => $$"""
        tracepoint:syscalls:sys_enter_openat /pid == {{Environment.ProcessId}} && str(args->filename) == "{{Path}}"/ {
          @last = tseries(pid, 1s, 10); @opens = tseries(1, 1s, 10, "sum"); @c = count();
          if (@c == 3) { exit(); }
        }
        """;

    [Fact]
    public async Task TextHasAnIntervalPerSecondWithThePidAndTheCount()
    {
        var (result, before, after) = await TraceThreeOpensAsync([]);

        Assert.Equal(0, result.ExitCode);
        var last = Rows(Section(result.Stdout, "@last"));
        var opens = Rows(Section(result.Stdout, "@opens"));
        // The graphs' time column: whole seconds of the local wall clock, the first the first open's.
        Assert.All(last, r => Assert.InRange(r.Time, Local(before).AddSeconds(-1), Local(after)));
        Assert.All(last.Where(r => r.Value is not null), r => Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), r.Value));
        Assert.Equal(3, opens.Sum(r => r.Value is null ? 0 : int.Parse(r.Value, CultureInfo.InvariantCulture)));
        Assert.NotNull(last[0].Value);
        Assert.InRange(last.Count(r => r.Value is not null), 2, 3);
        Assert.Equal("hh:mm:ss |___________________________________________________|", Section(result.Stdout, "@last").Split('\n')[2]);
    }

    [Fact]
    public async Task JsonListsTheIntervalsInUtc()
    {
        var (result, before, after) = await TraceThreeOpensAsync(["-f", "json"]);

        Assert.Equal(0, result.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
        var records = JsonLines.NonEmpty(result.Stdout).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var series = records.Where(r => r.GetProperty("type").GetString() == "tseries")
            .ToDictionary(r => r.GetProperty("data").EnumerateObject().Single().Name, r => r.GetProperty("data").EnumerateObject().Single().Value);
        var last = series["@last"].EnumerateArray().ToList();
        var opens = series["@opens"].EnumerateArray().ToList();
        Assert.InRange(last.Count, 2, 3);
        foreach (var point in last)
        {
            var text = point.GetProperty("interval_start").GetString()!;
            Assert.Equal(".000000000", text[19..]);
            var start = DateTime.ParseExact(text[..19], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            Assert.InRange(start, before.AddSeconds(-1), after);
            Assert.Equal(Environment.ProcessId, point.GetProperty("value").GetInt32());
        }
        Assert.Equal(3, opens.Sum(p => p.GetProperty("value").GetInt32()));
    }

    private static async Task<(RunResult Result, DateTime Before, DateTime After)> TraceThreeOpensAsync(string[] format)
    {
        using var sharptrace = SharpTraceRun.Start([.. format, "-e", Script]);
        await sharptrace.WaitForAttachedAsync(Bound);
        var before = DateTime.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            if (i > 0)
                await Task.Delay(1200);
            Assert.False(File.Exists(Path));
            try
            {
                using var _ = File.OpenRead(Path);
            }
            catch (DirectoryNotFoundException)
            {
                // the open the probe sees
            }
        }
        var after = DateTime.UtcNow;
        return (await sharptrace.WaitForExitAsync(Bound), before, after);
    }

    private static DateTime Local(DateTime utc) => utc.ToLocalTime();

    /// <summary>A map's lines in the text output, from its name to the blank line after its graph.</summary>
    private static string Section(string stdout, string name)
    {
        var start = stdout.IndexOf(name + ":\n", StringComparison.Ordinal);
        Assert.True(start >= 0, stdout);
        var end = stdout.IndexOf("\n\n", start, StringComparison.Ordinal);
        return stdout[start..end];
    }

    /// <summary>The graph's rows: the time of day (on the day of the run) and the value, or null for "-".</summary>
    private static List<(DateTime Time, string? Value)> Rows(string graph) =>
        graph.Split('\n').Skip(3).TakeWhile(l => !l.TrimStart().StartsWith('v')).Select(l =>
        {
            var time = DateTime.Today.Add(TimeSpan.ParseExact(l[..8], "hh\\:mm\\:ss", CultureInfo.InvariantCulture));
            // hh:mm:ss, a space, the 53 columns of the graph, a space, the value.
            var value = l[63..];
            return (time, value == "-" ? null : value);
        }).ToList();
}
