namespace SharpTrace.Tests.Semantics;

/// <summary>printf's format string checked against its arguments at compile time, with bpftrace 0.17's words and spans.</summary>
public class PrintfBinderTests
{
    [Theory]
    [InlineData("BEGIN { ⟦printf(\"%d\\n\", \"a\")⟧; }", "printf: %d specifier expects a value of type integer (string supplied)")]
    [InlineData("BEGIN { ⟦printf(\"%d %d\\n\", 1)⟧; }", "printf: Not enough arguments for format string (1 supplied, 2 expected)")]
    [InlineData("BEGIN { ⟦printf(\"%d\\n\", 1, 2)⟧; }", "printf: Too many arguments for format string (2 supplied, 1 expected)")]
    public void ReportsAsBpftraceDoes(string annotated, string message) =>
        AggregationBinderTests.AssertBindError(annotated, message);

    // bpftrace 0.17: printf("%s\n", 1) is "printf: %s specifier expects a value of type string (integer supplied)";
    // the newest bpftrace prints any value with %s as print() shows it (its type_checker.cpp test printf_str_conversion),
    // and so do we (docs/differences.md). A value with no type (a call that returns nothing) still fits no conversion.
    [Theory]
    [InlineData("BEGIN { $x = (uint8)1; printf(\"%s\\n\", $x); }")]
    [InlineData("BEGIN { $x = (uint8 *)0; printf(\"%s\\n\", $x); }")]
    [InlineData("BEGIN { $x = (1, \"a\"); printf(\"%s %s\\n\", $x, (a = 1, b = (2, 3))); }")]
    [InlineData("BEGIN { printf(\"%s %5s %-6s|\\n\", true, 1 == 2, -7); }")]
    [InlineData("BEGIN { cat(\"/proc/%s/status\", pid); system(\"echo %s\", (1, 2)); }")]
    public void PercentSPrintsAnyValueAsTheNewestBpftraceDoes(string script)
    {
        var (program, diagnostics) = SharpTrace.Semantics.Binder.Bind(StandardBuiltins.Catalog,
            SharpTrace.Syntax.SyntaxTree.Parse(script), new NoTracepoints(), new SharpTrace.Semantics.ProgramConfig { Unsafe = true });

        Assert.DoesNotContain(diagnostics, d => d.IsError);
        Assert.NotNull(program);
    }

    [Fact]
    public void APercentThatStartsNoConversionTakesNoArgument()
    {
        // bpftrace prints "100%" for this: the lone % is literal text, as the runtime formatter treats it.
        var (program, diagnostics) = SharpTrace.Semantics.Binder.Bind(StandardBuiltins.Catalog,
            SharpTrace.Syntax.SyntaxTree.Parse("BEGIN { printf(\"100%\\n\"); printf(\"%d%%\\n\", 5); }"), new NoTracepoints());

        Assert.Empty(diagnostics);
        Assert.NotNull(program);
    }

    private sealed class NoTracepoints : SharpTrace.Semantics.ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() => [];
        public SharpTrace.Kernel.TracepointFormat? Format(string category, string name) => null;
    }
}
