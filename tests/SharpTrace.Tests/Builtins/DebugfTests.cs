using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// debugf()'s checks in the reference's words (bpftrace 0.17 gives the same warning, checked with `bpftrace -e`; the
/// rest is the newest bpftrace's pre_type_check.cpp and type_checker.cpp).
/// </summary>
public class DebugfTests
{
    private const string Warning = "The debugf() builtin is not recommended for production use. For more information see bpf_trace_printk in bpf-helpers(7).";

    [Fact]
    public void WarnsThatItIsNotForProduction() =>
        SemanticKit.AssertDiagnostics("BEGIN { ⟦debugf(\"a %d %s\\n\", 1, comm)⟧; }", Warning);

    [Theory]
    [InlineData("BEGIN { ⟦debugf(\"%d %d %d %d\", 1, 2, 3, 4)⟧; }", "cannot use more than 3 conversion specifiers")]
    [InlineData("BEGIN { debugf(⟦\"%c\"⟧, 1); }", "Invalid format specifier for `debugf`: c")]
    [InlineData("BEGIN { debugf(\"%x\", ⟦comm⟧); }", "debugf: %x specifier expects a value of type integer (string supplied)")]
    // The kernel formats debugf's text (bpf_trace_printk), so %s takes only a string there, while printf's %s takes any
    // value: the reference's type_checker.cpp checks debugf's arguments again, an enum being an integer to it.
    [InlineData("enum Foo { A, B } BEGIN { debugf(\"%s\", ⟦B⟧); }", "Type does not match format specifier: s")]
    [InlineData("BEGIN { debugf(\"%s\", ⟦1⟧); }", "Type does not match format specifier: s")]
    [InlineData("BEGIN { debugf(\"%s\", ⟦(1, 2)⟧); }", "Type does not match format specifier: s")]
    public void ReportsAsTheReferenceDoes(string annotated, string error)
    {
        var (_, diagnostics) = SemanticKit.Bind(annotated.Replace("⟦", "", StringComparison.Ordinal).Replace("⟧", "", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.IsError && d.Message == error);
        Assert.Contains(diagnostics, d => !d.IsError && d.Message == Warning);
    }
}
