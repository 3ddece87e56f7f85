using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>The map table alone: maps by name, key types unified across uses, the default type, undefined maps.</summary>
public class MapTableTests
{
    private static DiagnosticBag NewBag() => new(new SourceText("BEGIN { }"));

    [Fact]
    public void MapsAreNumberedInTheOrderTheProgramNamesThem()
    {
        var maps = new MapTable();
        var b = maps.Get("@b");
        var a = maps.Get("@a");

        Assert.Same(b, maps.Get("@b"));
        Assert.Equal([b, a], maps.All);
        Assert.Equal([0, 1], maps.All.Select(m => m.Index));
        Assert.Null(maps.Find("@c"));
    }

    // bpftrace 0.17 accepts BEGIN { @m[1] = 1; @m[(uint32)2] = 2; exit(); } and rejects a string key after them:
    // BEGIN { @m[1] = 1; @m[(uint32)2] = 2; @m["ab"] = 3; exit(); }
    //   ERROR: Argument mismatch for @m: trying to access with arguments: [string[3]] when map expects arguments: [unsigned int64]
    [Fact]
    public void FirstAccessDecidesTheKeysAndIntegersOfAnyWidthAgree()
    {
        var maps = new MapTable();
        var diagnostics = NewBag();
        var map = maps.Get("@m");
        maps.BeginPass();

        Assert.True(maps.UnifyKeys(map, [BpfType.UInt64], default, diagnostics));
        Assert.True(maps.TypesChanged);
        Assert.True(maps.UnifyKeys(map, [new IntegerType(4, false)], default, diagnostics));
        Assert.False(maps.UnifyKeys(map, [new StringType(3)], default, diagnostics));

        Assert.Equal([BpfType.UInt64], map.KeyTypes);
        var error = Assert.Single(diagnostics.Items);
        // The newest bpftrace's words: the types quoted, integers as uint64.
        Assert.Equal("Argument mismatch for @m: trying to access with arguments: 'string[3]' when map expects arguments: 'uint64'", error.Message);
    }

    [Fact]
    public void MapAssignedOnlyFromItselfBecomesAnIntegerWhenNothingElseChanged()
    {
        var maps = new MapTable();
        var map = maps.Get("@i");
        maps.BeginPass();
        maps.AssignedUntyped(map);
        maps.EndPass();

        Assert.Equal(BpfType.Int64, map.ValueType);
        Assert.True(maps.TypesChanged);
    }

    [Fact]
    public void DefaultWaitsWhileOtherTypesAreStillChanging()
    {
        var maps = new MapTable();
        var map = maps.Get("@i");
        maps.BeginPass();
        maps.SetValueType(maps.Get("@other"), BpfType.Int64);
        maps.AssignedUntyped(map);
        maps.EndPass();

        Assert.Null(map.ValueType);
        maps.BeginPass();
        Assert.False(maps.TypesChanged);
    }

    // bpftrace 0.17: BEGIN { print(@x); } is "ERROR: Undefined map: @x".
    [Fact]
    public void MapReadButNeverAssignedIsUndefinedAtItsFirstRead()
    {
        var maps = new MapTable();
        var diagnostics = NewBag();
        maps.Get("@x", new TextSpan(8, 2));
        maps.Get("@x", new TextSpan(20, 2));
        maps.SetValueType(maps.Get("@y"), BpfType.Int64);

        maps.ReportUndefined(diagnostics);

        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("Undefined map: @x", error.Message);
        Assert.Equal(new TextSpan(8, 2), error.Span);
    }
}
