using SharpTrace.Builtins;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>join(), cat() and system() misused, with bpftrace 0.17's words (checked with <c>bpftrace -d</c>).</summary>
public class JoinCatSystemBinderTests
{
    private static readonly ProgramConfig Unsafe = new() { Unsafe = true };

    [Theory]
    [InlineData("BEGIN { ⟦join()⟧; }", "join() requires at least one argument (0 provided)")]
    [InlineData("BEGIN { ⟦join(1, 2, 3)⟧; }", "join() takes up to 2 arguments (3 provided)")]
    // bpftrace leaves the function's name out of this one.
    [InlineData("BEGIN { ⟦join(\"a\")⟧; }", "() only supports int or pointer arguments (string provided)")]
    [InlineData("BEGIN { ⟦join(1, 2)⟧; }", "join() expects a string literal (int provided)")]
    [InlineData("BEGIN { $s = \",\"; ⟦join(1, $s)⟧; }", "join() expects a string literal (string provided)")]
    [InlineData("BEGIN { $x = ⟦join(1)⟧; }", "join() should not be used in an assignment or as a map key")]
    [InlineData("BEGIN { @x = ⟦join(1)⟧; }", "join() should not be used in an assignment or as a map key")]
    [InlineData("BEGIN { ⟦cat()⟧; }", "cat() requires at least one argument (0 provided)")]
    [InlineData("BEGIN { ⟦cat(1)⟧; }", "cat() expects a string literal (int provided)")]
    [InlineData("BEGIN { $f = \"x\"; ⟦cat($f)⟧; }", "cat() expects a string literal (string provided)")]
    [InlineData("BEGIN { ⟦cat(\"%d\", \"a\")⟧; }", "cat: %d specifier expects a value of type integer (string supplied)")]
    [InlineData("BEGIN { ⟦cat(\"%d\")⟧; }", "cat: Not enough arguments for format string (0 supplied, 1 expected)")]
    [InlineData("BEGIN { ⟦cat(\"a\", 1)⟧; }", "cat: Too many arguments for format string (1 supplied, 0 expected)")]
    [InlineData("BEGIN { $x = ⟦cat(\"a\")⟧; }", "cat() should not be used in an assignment or as a map key")]
    public void ReportsAsBpftraceDoes(string annotated, string message) =>
        AggregationBinderTests.AssertBindError(annotated, message);

    [Theory]
    [InlineData("BEGIN { ⟦system()⟧; }", "system() requires at least one argument (0 provided)")]
    [InlineData("BEGIN { ⟦system(1)⟧; }", "system() expects a string literal (int provided)")]
    [InlineData("BEGIN { ⟦system(\"%d\", \"a\")⟧; }", "system: %d specifier expects a value of type integer (string supplied)")]
    [InlineData("BEGIN { ⟦system(\"a\", 1)⟧; }", "system: Too many arguments for format string (1 supplied, 0 expected)")]
    [InlineData("BEGIN { $x = ⟦system(\"a\")⟧; }", "system() should not be used in an assignment or as a map key")]
    public void SystemWithUnsafeReportsAsBpftraceDoes(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, Unsafe, message);

    [Theory]
    [InlineData("BEGIN { ⟦system(\"echo hi\")⟧; }")]
    [InlineData("BEGIN { if (1) { ⟦system(\"a\")⟧; } }")]
    // The format's arguments are not checked: bpftrace stops before the pass that checks them.
    [InlineData("BEGIN { ⟦system(\"%d\")⟧; }")]
    public void SystemWithoutUnsafeIsAnError(string annotated) =>
        SemanticKit.AssertDiagnostics(annotated, "system() is an unsafe function being used in safe mode");

    [Theory]
    [InlineData("BEGIN { system(1); }", "system() expects a string literal (int provided)")]
    [InlineData("BEGIN { system(); }", "system() requires at least one argument (0 provided)")]
    [InlineData("BEGIN { $x = system(\"a\"); }", "system() should not be used in an assignment or as a map key")]
    public void SystemWithoutUnsafeAlsoReportsTheCallsFirstProblem(string script, string second)
    {
        var (program, diagnostics) = SemanticKit.Bind(script);

        Assert.Null(program);
        Assert.Equal(["system() is an unsafe function being used in safe mode", second], diagnostics.Select(d => d.Message));
        Assert.Equal(diagnostics[0].Span, diagnostics[1].Span);
    }

    [Fact]
    public void EverySystemCallIsReported()
    {
        var (_, diagnostics) = SemanticKit.Bind("BEGIN { system(\"a\"); system(\"b\"); }");

        Assert.Equal(2, diagnostics.Count(d => d.Message == "system() is an unsafe function being used in safe mode"));
    }

    [Fact]
    public void JoinKeepsItsSeparatorAndDefaultsToASpace()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { join(0); join(0, \",\"); }");

        Assert.Empty(diagnostics);
        Assert.Equal([" ", ","], program!.Actions.OfType<JoinAction>().Select(a => a.Separator));
    }

    [Fact]
    public void CatAndSystemCarryTheirFormatArgumentsAsPrintfDoes()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { cat(\"/proc/%d/status\", pid); system(\"echo %s %d\", comm, 1); }", Unsafe);

        Assert.Empty(diagnostics);
        var cat = Assert.Single(program!.Actions.OfType<CatAction>());
        Assert.Equal(("/proc/%d/status", 1, 10240), (cat.Format, cat.ArgumentTypes.Count, cat.MaxBytes));
        var system = Assert.Single(program.Actions.OfType<SystemAction>());
        Assert.Equal(("echo %s %d", 2), (system.Format, system.ArgumentTypes.Count));
    }

    [Fact]
    public void CatReadsAtMostMaxCatBytes()
    {
        var (program, _) = SemanticKit.Bind("config = { max_cat_bytes = 4 } BEGIN { cat(\"x\"); }");

        Assert.Equal(4, Assert.Single(program!.Actions.OfType<CatAction>()).MaxBytes);
    }
}
