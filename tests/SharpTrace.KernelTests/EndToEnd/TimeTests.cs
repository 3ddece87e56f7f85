using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>time(fmt) prints the local time when user space handles its record; elapsed counts from the run's start.</summary>
[Trait("Category", "Kernel")]
public sealed partial class TimeTests : KernelTest
{
    [Fact]
    public async Task TimeWithAFormatPrintsTheCurrentYear()
    {
        var before = DateTime.Now.Year;
        var result = await SharpTraceRun.RunAsync(["-e", """BEGIN { time("%Y"); exit(); }"""]);
        var after = DateTime.Now.Year;

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.Stdout, new[] { before.ToString(), after.ToString() });
    }

    [Fact]
    public async Task TimeWithoutAFormatPrintsHoursMinutesSecondsAndANewline()
    {
        var before = DateTime.Now;
        var result = await SharpTraceRun.RunAsync(["-e", "BEGIN { time(); exit(); }"]);
        var after = DateTime.Now;

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(DefaultFormat(), result.Stdout);
        var printed = TimeSpan.ParseExact(result.Stdout.TrimEnd('\n'), @"hh\:mm\:ss", null);
        Assert.InRange(printed, before.TimeOfDay - TimeSpan.FromSeconds(1), after.TimeOfDay + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task TimeIsAJsonRecordOfItsOwnType()
    {
        var result = await SharpTraceRun.RunAsync(["-f", "json", "-e", """BEGIN { time("at %%Y\n"); printf("x\n"); exit(); }"""]);

        Assert.Equal(0, result.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
        Assert.Equal(["""{"type": "time", "data": "at %Y\n"}""", """{"type": "printf", "data": "x\n"}"""],
            JsonLines.NonEmpty(result.Stdout).Where(l => !l.Contains("attached_probes")));
    }

    [Fact]
    public async Task TimeInAProbeThatFiresRepeatedlyPrintsEachTime()
    {
        var result = await SharpTraceRun.RunAsync(["-e", """interval:ms:50 { time("tick %Y\n"); @n = count(); if (@n == 3) { exit(); } }"""]);

        var year = DateTime.Now.Year;
        Assert.Equal((0, $"tick {year}\ntick {year}\ntick {year}\n\n\n@n: 3\n"), (result.ExitCode, result.Stdout));
    }

    [Theory]
    [InlineData("""BEGIN { time("%Y-%m|%%|%Q|lit\n"); time("plain text\n"); exit(); }""")]
    [InlineData("""BEGIN { time("%a %b %C %y %Z\n"); printf("after\n"); exit(); }""")]
    public async Task TimePrintsWhatBpftracePrints(string script)
    {
        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);

        // bpftrace ends with the exit section's two newlines even without maps; we do not (DESIGN.md).
        Assert.Equal(0, expected.ExitCode);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout + "\n\n"));
    }

    [Fact]
    public async Task ElapsedAfterAHundredMillisecondsIsMoreThanFiftyMillion()
    {
        var result = await SharpTraceRun.RunAsync(["-e", """interval:ms:100 { printf("%d\n", elapsed > 50000000); exit(); }"""]);

        Assert.Equal((0, "1\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ElapsedInBeginIsSmallAndGrows()
    {
        var result = await SharpTraceRun.RunAsync(["-e", """
            BEGIN { @begin = elapsed; }
            interval:ms:200 { @later = elapsed; printf("%d %d\n", @begin < 1000000000, @later > @begin + 150000000); exit(); }
            """, "--no-print-maps"]);

        Assert.Equal((0, "1 1\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task TimestampsPrintTheirOwnDistanceApartEveryTime()
    {
        // The reference's runtime/call "strftime_microsecond_extension" pipes the two through bc and expects .000123:
        // the clocks' offset is read once for the run, so no pair is off by the time between two readings.
        var result = await SharpTraceRun.RunAsync(["-e", """
            begin { $i = 0; while ($i < 50) { printf("%s %s\n", strftime("%s.%f", 123000), strftime("%s.%f", 0)); $i++; } }
            """]);

        Assert.Equal(0, result.ExitCode);
        var pairs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).ToList();
        Assert.Equal(50, pairs.Count);
        Assert.All(pairs, pair => Assert.Equal(0.000123m, decimal.Parse(pair[0], CultureInfo.InvariantCulture) - decimal.Parse(pair[1], CultureInfo.InvariantCulture)));
        Assert.Single(pairs.Select(pair => pair[1]).Distinct());
    }

    [Fact]
    public async Task StrftimeOfNsecsIsNowOnTheWallClock()
    {
        var before = DateTime.Now;
        var result = await SharpTraceRun.RunAsync(["-e", """BEGIN { printf("%s\n", strftime("%Y-%m-%d %H:%M:%S.%f", nsecs)); exit(); }"""]);
        var after = DateTime.Now;

        Assert.Equal(0, result.ExitCode);
        var printed = DateTime.ParseExact(result.Stdout.TrimEnd('\n'), "yyyy-MM-dd HH:mm:ss.ffffff", null);
        Assert.InRange(printed, before.AddSeconds(-1), after.AddSeconds(1));
    }

    [Theory]
    // Boot time (nanosecond 0) to the day, and the year of now, as map keys, values and printf arguments.
    [InlineData("""BEGIN { printf("%s|%s\n", strftime("%Y-%m-%d", 0), strftime("%Y", nsecs)); exit(); }""")]
    [InlineData("""BEGIN { $t = strftime("%Y", nsecs); @v = $t; @k[strftime("%Y-%m-%d", 0)] = 1; exit(); }""")]
    // A map keeps each value's own format: the last assignment's wins.
    [InlineData("""BEGIN { @x = strftime("%Y", nsecs); @x = strftime("%Y-%m-%d", 0); exit(); }""")]
    public async Task StrftimePrintsWhatBpftracePrints(string script)
    {
        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(0, actual.ExitCode);
        Assert.Equal(expected.Stdout.TrimEnd('\n'), actual.Stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task AStrftimeMapValueIsAJsonStringWhereBpftracePrintsItBare()
    {
        const string script = """BEGIN { @x = strftime("%Y", nsecs); exit(); }""";
        var expected = await BpftraceRun.RunAsync(["-f", "json", "-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        var year = DateTime.Now.Year;
        Assert.Contains("{\"type\": \"map\", \"data\": {\"@x\": " + year + "}}", expected.Stdout);
        Assert.Contains("{\"type\": \"map\", \"data\": {\"@x\": \"" + year + "\"}}", actual.Stdout);
        JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
    }

    [GeneratedRegex(@"^\d\d:\d\d:\d\d\n$")]
    private static partial Regex DefaultFormat();
}
