namespace SharpTrace.Tests.Semantics;

/// <summary>time(), elapsed and strftime() misused, with the newest bpftrace's words (its check_arg names kinds "int", 0.17 "integer") and 0.17's spans.</summary>
public class TimeBinderTests
{
    [Theory]
    [InlineData("BEGIN { ⟦time(1)⟧; }", "time() expects a string literal (int provided)")]
    [InlineData("BEGIN { $f = \"%H\"; ⟦time($f)⟧; }", "time() expects a string literal (string provided)")]
    [InlineData("BEGIN { ⟦time(\"a\", \"b\")⟧; }", "time() takes up to one argument (2 provided)")]
    [InlineData("BEGIN { $x = ⟦time()⟧; }", "time() should not be used in an assignment or as a map key")]
    [InlineData("BEGIN { @x = ⟦time()⟧; }", "time() should not be used in an assignment or as a map key")]
    // The newest reference spells elapsed() as a function too (ConfigAndFunctionFormTests); with an argument it is none.
    [InlineData("BEGIN { $x = ⟦elapsed⟧(1); }", "Unknown function: elapsed")]
    [InlineData("BEGIN { ⟦strftime(1, nsecs)⟧; }", "strftime() expects a string literal (int provided)")]
    [InlineData("BEGIN { ⟦strftime(\"%Y\")⟧; }", "strftime() requires at least 2 arguments (1 provided)")]
    [InlineData("BEGIN { ⟦strftime()⟧; }", "strftime() requires at least 2 arguments (0 provided)")]
    [InlineData("BEGIN { ⟦strftime(\"%Y\", 1, 2)⟧; }", "strftime() takes up to 2 arguments (3 provided)")]
    [InlineData("BEGIN { ⟦strftime(\"%Y\", \"a\")⟧; }", "strftime() only supports int arguments (string provided)")]
    [InlineData("BEGIN { ⟦printf(\"%d\\n\", strftime(\"%Y\", nsecs))⟧; }", "printf: %d specifier expects a value of type integer (string supplied)")]
    [InlineData("BEGIN { @x = strftime(\"%Y\", nsecs); ⟦@x = 1⟧; }", "Type mismatch for @x: trying to assign value of type 'int8' when map already has a type 'timestamp'")]
    public void ReportsAsBpftraceDoes(string annotated, string message) =>
        AggregationBinderTests.AssertBindError(annotated, message);

    [Fact]
    public void TimeWithAndWithoutFormatIsOneActionPerCall()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { time(); time(\"%Y\\n\"); }");

        Assert.Empty(diagnostics);
        var formats = program!.Actions.OfType<SharpTrace.Builtins.TimeAction>().Select(a => a.Format);
        Assert.Equal(["%H:%M:%S\n", "%Y\n"], formats);
    }

    [Fact]
    public void StrftimeIsATimestampThatPrintfPrintsWithPercentS()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { $t = strftime(\"%H:%M\", nsecs); printf(\"%s\\n\", $t); @m[$t] = 1; }");

        Assert.Empty(diagnostics);
        Assert.IsType<SharpTrace.Builtins.TimestampType>(program!.Maps.Single().KeyTypes!.Single());
    }

    [Fact]
    public void AMapHoldsTimestampsOfSeveralFormatsAsInBpftrace()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @x = strftime(\"%Y\", nsecs); @x = strftime(\"%H\", nsecs); }");

        Assert.Empty(diagnostics);
        Assert.Equal(16, program!.Maps.Single().ValueType!.Size);
    }

    [Fact]
    public void ElapsedIsAnUnsignedInteger()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @e = elapsed; }");

        Assert.Empty(diagnostics);
        Assert.Equal(SharpTrace.Semantics.BpfType.UInt64, program!.Maps.Single().ValueType);
    }
}
