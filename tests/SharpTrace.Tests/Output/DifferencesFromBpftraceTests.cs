using SharpTrace.Output;
using static SharpTrace.Tests.Output.OutputTestKit;

namespace SharpTrace.Tests.Output;

/// <summary>
/// Where we print differently from bpftrace 0.17 on purpose (DESIGN.md "Map lifecycle" and "Output formats",
/// and bugs of 0.17). Each test says what 0.17 prints instead.
/// </summary>
public class DifferencesFromBpftraceTests
{
    // BEGIN { @myarg = 5; } END { clear(@myarg); }
    // bpftrace 0.17 prints "\n\n" and then an empty line for the cleared map; we print nothing, in text and JSON.
    [Fact]
    public void ClearedScalarMapIsNotPrintedAtExit()
    {
        MapSnapshot[] maps = [Empty("@myarg", isScalar: true)];
        Assert.Equal("", Text(w => w.MapsAtExit(maps)));
        Assert.Equal("", Json(w => w.MapsAtExit(maps)));
    }

    // bpftrace 0.17 writes the two newlines of the exit section even when there is no map at all.
    [Fact]
    public void NoExitSectionWithoutMaps()
    {
        Assert.Equal("", Text(w => w.MapsAtExit([])));
        Assert.Equal("", Json(w => w.MapsAtExit([])));
    }

    [Fact]
    public void EmptyMapsAreLeftOutOfTheExitSection()
    {
        MapSnapshot[] maps = [Empty("@a"), Scalar("@b", I(1)), Empty("@c", isScalar: true)];
        Assert.Equal("\n\n@b: 1\n", Text(w => w.MapsAtExit(maps)));
        Assert.Equal("{\"type\": \"map\", \"data\": {\"@b\": 1}}\n", Json(w => w.MapsAtExit(maps)));
    }

    // BEGIN { @m[1] = 1; clear(@m); print(@m); exit(); }: bpftrace 0.17 prints an empty line in text.
    [Fact]
    public void ExplicitPrintOfAnEmptyMapPrintsNothingInText()
    {
        Assert.Equal("", Text(w => w.Map(Empty("@m"))));
        Assert.Equal("", Text(w => w.Map(Empty("@x", isScalar: true))));
    }

    // bpftrace 0.17 prints nothing in JSON; we print an empty object so that a consumer sees the interval happened.
    [Fact]
    public void ExplicitPrintOfAnEmptyMapPrintsAnEmptyObjectInJson()
    {
        Assert.Equal("{\"type\": \"map\", \"data\": {\"@m\": {}}}\n", Json(w => w.Map(Empty("@m"))));
        Assert.Equal("{\"type\": \"map\", \"data\": {\"@x\": {}}}\n", Json(w => w.Map(Empty("@x", isScalar: true))));
    }

    // bpftrace 0.17 writes "\n\n" before the exit maps in JSON too, which breaks line-by-line JSON readers.
    [Fact]
    public void JsonHasNoEmptyLinesAroundTheExitSection()
    {
        var json = Json(w =>
        {
            w.AttachedProbes(1);
            w.Printf("hello\n");
            w.MapsAtExit([Scalar("@a", I(1)), Keyed("@h", E(HistValue.Of(1), 1)), Scalar("@s", new StatsValue(1, 1))]);
            w.LostEvents(3);
        });
        Assert.Equal(CatA("""
            {"type": "attached_probes", "data": {"probes": 1}}$
            {"type": "printf", "data": "hello\n"}$
            {"type": "map", "data": {"@a": 1}}$
            {"type": "hist", "data": {"@h": {"1": [{"min": 1, "max": 1, "count": 1}]}}}$
            {"type": "stats", "data": {"@s": {"count": 1, "average": 1, "total": 1}}}$
            {"type": "lost_events", "data": {"events": 3}}$
            """), json);
    }

    // bpftrace 0.17 writes "Attaching N probes..." to stdout; we write "Attached N probes" to stderr in the CLI.
    [Fact]
    public void TextWritesNoAttachedProbesLine() => Assert.Equal("", Text(w => w.AttachedProbes(3)));

    [Fact]
    public void LostEventsText() => Assert.Equal("Lost 3 events\n", Text(w => w.LostEvents(3)));

    // BEGIN { $x = (uint64)1; @h = hist($x << 40); exit(); }: bpftrace 0.17 only looks at 32 bits and prints
    // [2G, 4G) with JSON {"min": -2147483648, "max": 0}; later versions, and we, use all 64 bits.
    [Fact]
    public void HistValuesBeyond32BitsGetTheirOwnBuckets()
    {
        var hist = HistValue.Of(1L << 40, long.MaxValue);
        var text = Text(w => w.Map(Scalar("@h", hist)));
        Assert.StartsWith("@h:\n[1T, 2T)               1 |@@@@", text);
        Assert.Contains("\n[4E, 8E)               1 |", text);
        Assert.EndsWith("|\n\n", text);
        var json = Json(w => w.Map(Scalar("@h", hist)));
        Assert.StartsWith("{\"type\": \"hist\", \"data\": {\"@h\": [{\"min\": 1099511627776, \"max\": 2199023255551, \"count\": 1}, ", json);
        Assert.EndsWith("{\"min\": 4611686018427387904, \"max\": 9223372036854775807, \"count\": 1}]}}\n", json);
    }

    // BEGIN { @s[2] = "x"; @s[-1] = "z"; @s[10] = "w"; exit(); }: bpftrace 0.17 compares integer keys as unsigned and
    // prints @s[-1] last.
    [Fact]
    public void NegativeIntegerKeysSortFirst() => Assert.Equal(
        "@s[-1]: z\n@s[2]: x\n@s[10]: w\n",
        Text(w => w.Map(Keyed("@s", E(S("x"), 2), E(S("w"), 10), E(S("z"), -1)))));

    // bpftrace 0.17 leaves equal counts in hash-table order, which changes from run to run.
    [Fact]
    public void EqualValuesSortByKey() => Assert.Equal(
        "@c[a]: 1\n@c[b]: 1\n@c[c]: 1\n@c[a, 1]: 2\n@c[a, 2]: 2\n",
        Text(w => w.Map(Keyed("@c",
            E(new CountValue(1), "c"), E(new CountValue(2), "a", 2), E(new CountValue(1), "a"),
            E(new CountValue(2), "a", 1), E(new CountValue(1), "b")))));

    // bpftrace 0.17 ignores top for stats() maps; the newest bpftrace, and we, keep the top entries of every kind. div
    // has no effect on lhist() maps in both ("div has no effect on linear histograms", types_format.cpp).
    [Fact]
    public void TopAppliesToStatsAndDivLeavesLinearHistsAlone()
    {
        var stats = Keyed("@st", E(new StatsValue(1, 10), 1), E(new StatsValue(1, 30), 3), E(new StatsValue(1, 20), 2));
        Assert.Equal("@st[2]: count 1, average 20, total 20\n@st[3]: count 1, average 30, total 30\n\n",
            Text(w => w.Map(stats, top: 2, div: 10)));
        var lhist = Scalar("@l", LinearHistValue.Of(0, 10, 5, 1, 1, 1, 1));
        Assert.Equal("@l:\n[0, 5)                 4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n",
            Text(w => w.Map(lhist, div: 2)));
        Assert.Equal("{\"type\": \"hist\", \"data\": {\"@l\": [{\"min\": 0, \"max\": 4, \"count\": 4}]}}\n",
            Json(w => w.Map(lhist, div: 2)));
    }

    // BEGIN { printf("50%% done\n"); exit(); }: bpftrace 0.17 prints "50%% done" when printf has no arguments.
    [Fact]
    public void PercentPercentIsAlwaysOnePercent() => Assert.Equal("50% done\n", PrintfFormatter.Format("50%% done\n", []));

    // bpftrace 0.17 escapes every byte above 0x7f as \uffffffXX (invalid JSON); we write the characters as they are.
    [Fact]
    public void NonAsciiStaysReadableInJson() => Assert.Equal(
        "{\"type\": \"printf\", \"data\": \"é ü\\n\"}\n", Json(w => w.Printf("é ü\n")));
}
