using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Api;

/// <summary>What the public types show in a debugger or a log line: their contents, never a collection's type name.</summary>
public sealed class ToStringTests
{
    [Fact]
    public void KeyedMapSnapshotShowsItsNameCountAndEntriesInPrintOrder()
    {
        var map = MapSnapshot.Keyed("@opens",
            new MapEntry([new StringValue("sshd"), new IntegerValue(7)], new CountValue(5)),
            new MapEntry([new StringValue("bash"), new IntegerValue(3)], new CountValue(2)));

        Assert.Equal("@opens (2 entries): [bash, 3]: 2, [sshd, 7]: 5", map.ToString());
    }

    [Fact]
    public void ScalarAndEmptyMapSnapshotsReadAsAssignmentsAndEmpty()
    {
        Assert.Equal("@x = 42", MapSnapshot.Scalar("@x", new IntegerValue(42)).ToString());
        Assert.Equal("@m (empty)", MapSnapshot.Keyed("@m").ToString());
    }

    [Fact]
    public void LargeMapSnapshotShowsOnlyItsFirstTenEntries()
    {
        var entries = Enumerable.Range(0, 12).Select(i => new MapEntry([new IntegerValue(i)], new SumValue(i))).ToArray();

        var text = MapSnapshot.Keyed("@s", entries).ToString();

        Assert.StartsWith("@s (12 entries): [0]: 0, [1]: 1, ", text);
        Assert.EndsWith("[9]: 9, …", text);
    }

    [Fact]
    public void ValuesShowWhatBpftracePrintsForThem()
    {
        Assert.Equal("(1, abc)", new TupleValue(new IntegerValue(1), new StringValue("abc")).ToString());
        Assert.Equal("3", new CountValue(3).ToString());
        Assert.Equal("-4", new MinValue(-4).ToString());
        Assert.Equal("5", new AvgValue(15, 3).ToString());
        Assert.Equal("count 3, average 5, total 15", new StatsValue(3, 15).ToString());
        Assert.Equal("hist [0, 1, 2] (3 values)", new HistValue([0, 1, 2]).ToString());
        Assert.Equal("lhist(0, 100, 10) [0, 2] (2 values)", new LinearHistValue(0, 100, 10, [0, 2]).ToString());
        Assert.Equal("[a+1, b+2]", new StackValue([new StackFrame(0x10, "a+1"), new StackFrame(0x20, "b+2")]).ToString());
        Assert.Equal("a+1 (0x10)", new StackFrame(0x10, "a+1").ToString());
    }

    [Fact]
    public void MapEventShowsTheMapsContents()
    {
        var traceEvent = new MapEvent(MapSnapshot.Scalar("@x", new IntegerValue(1)), AtExit: true);

        Assert.Equal("MapEvent { Map = @x = 1, AtExit = True, Top = 0, Divisor = 0 }", traceEvent.ToString());
    }

    [Fact]
    public void CompileResultShowsTheProbesOrTheFirstError()
    {
        Assert.Equal("compiled: TraceProgram: begin, end", TraceScript.Compile("BEGIN { } END { }").ToString());
        Assert.Equal("1 error, first: Unknown function: prnt", TraceScript.Compile("BEGIN { prnt(); }").ToString());
    }

    [Fact]
    public void ConfigShowsTheContentsOfItsLists()
    {
        var config = new ProgramConfig { PositionalParameters = ["a", "b"], IncludeFiles = ["x.h"] };

        var text = config.ToString();

        Assert.Contains("PositionalParameters = [a, b]", text);
        Assert.Contains("IncludeFiles = [x.h]", text);
        Assert.DoesNotContain("System.", text);
    }

    [Fact]
    public void SourceTextAndParsedScriptShowTheirNameAndSize()
    {
        Assert.Equal("trace.bt (2 lines, 13 characters)", new SourceText("BEGIN { }\n{ }", "trace.bt").ToString());
        Assert.Equal("stdin: 1 syntax error(s)", TraceScript.Parse("BEGIN {").ToString());
    }
}
