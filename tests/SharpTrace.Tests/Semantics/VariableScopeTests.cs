using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Lexical block scoping of scratch variables, as the newest bpftrace defines it (docs/language.md, "Variables and
/// Maps"; the rules and messages of src/ast/passes/types/pre_type_check.cpp, its tests in tests/pre_type_check.cpp,
/// named per case below): a variable belongs to the innermost block where it is first declared or assigned, is seen by
/// the blocks inside it and by nothing after it; a let may not shadow a variable in scope.
/// </summary>
public sealed class VariableScopeTests
{
    private static string Diagnostics(string script) =>
        string.Concat(SemanticKit.Bind(script).Diagnostics.Select(d => d.Format()));

    [Theory]
    // TEST(VariablePreCheck, undefined): a variable first assigned in a block is unknown after it.
    [InlineData("begin { @map[0] = 1; for ($kv : @map) { $x = 2; } print(⟦$x⟧); }")]
    [InlineData("begin { for ($x : 0..5) { print($x); } print(⟦$x⟧); }")]
    [InlineData("begin { let $x = { let $y = ⟦$x⟧; $y }; print($x) }")]
    [InlineData("begin { if (1) { $x = \"hello\"; } print(⟦$x⟧); }")]
    [InlineData("begin { if (1) { $a = 1; } else { $x = 2; } print(⟦$x⟧); }")]
    [InlineData("begin { { $x = 1; } print(⟦$x⟧); }")]
    [InlineData("begin { $i = 0; while ($i < 2) { $x = $i; $i++; } print(⟦$x⟧); }")]
    [InlineData("begin { unroll(2) { $x = 1; } print(⟦$x⟧); }")]
    [InlineData("begin { $y = { $x = 1; $x }; print(⟦$x⟧); }")]
    [InlineData("begin { print(⟦$x⟧) }")]
    [InlineData("begin { $y = ⟦$x⟧ }")]
    public void AVariableIsUnknownOutsideItsBlock(string annotated) =>
        SemanticKit.AssertDiagnostics(annotated, "Undefined or undeclared variable: $x");

    [Theory]
    // TEST(VariablePreCheck, undefined) and (shadowing), the accepted cases; an enclosing block's variable is seen
    // (and assigned) inside.
    [InlineData("begin { $x = 1; print($x) }")]
    [InlineData("begin { let $x = 1; print($x) }")]
    [InlineData("begin { $x = 1; $y = $x + 1 }")]
    [InlineData("begin { for ($i : 1..10) { print($i) } }")]
    [InlineData("begin { let $x = 1 } end { let $x = 2 }")]
    [InlineData("begin { let $x = 1; { let $y = 2; } }")]
    [InlineData("begin { if (1) { let $x = 1 } else { let $x = 2 } }")]
    [InlineData("begin { $x = 5; for ($i : 1..10) { print($i) } }")]
    [InlineData("begin { $x = 1; if (1) { $x = 2; { $x = 3; } } print($x); }")]
    [InlineData("begin { let $x; if (1) { $x = 2; } print($x); }")]
    public void AVariableOfAnEnclosingBlockIsSeenInside(string script) =>
        Assert.Equal("", Diagnostics(script));

    [Fact]
    public void SiblingBlocksHoldDistinctVariablesOfOneName()
    {
        // The brief's case: the newest bpftrace has two variables $b here, so no type mismatch.
        var types = SemanticKit.Types("begin { if (1) { $b = 5; } if (1) { $b = \"x\"; print($b); } }");
        Assert.Contains("Variable $b :: int8", types, StringComparison.Ordinal);
        Assert.Contains("Variable $b :: string[2]", types, StringComparison.Ordinal);
    }

    [Fact]
    public void SiblingVariablesWidenApart()
    {
        // Each sibling $x is typed from its own assignments only: the first stays an int8, the second is a uint64.
        var types = SemanticKit.Types("begin { { $x = 1; print($x); } { $x = 1; $x = (uint64)2; print($x); } }");
        Assert.Contains("Variable $x :: int8", types, StringComparison.Ordinal);
        Assert.Contains("Variable $x :: uint64", types, StringComparison.Ordinal);
    }

    [Theory]
    // TEST(VariablePreCheck, shadowing): error_str for each.
    [InlineData("begin { let $x = 1; { ⟦let $x⟧ = 2 } }", "This is the initial declaration.")]
    [InlineData("begin { $x = 1; { ⟦let $x⟧ = 2 } }", "This is the initial assignment.")]
    [InlineData("begin { let $x = 1; ⟦let $x⟧ = 2 }", "This is the initial declaration.")]
    [InlineData("begin { let $x = 1; if (1) { ⟦let $x⟧ = 2 } }", "This is the initial declaration.")]
    [InlineData("begin { for ($x : 1..10) { ⟦let $x⟧ = 1; } }", "This is the loop variable.")]
    public void ALetMayNotShadowAVariableInScope(string annotated, string context)
    {
        var diagnostics = SemanticKit.Bind(annotated.Replace("⟦", "", StringComparison.Ordinal).Replace("⟧", "", StringComparison.Ordinal)).Diagnostics;
        var start = annotated.IndexOf('⟦', StringComparison.Ordinal);
        var end = annotated.IndexOf('⟧', StringComparison.Ordinal) - 1;
        Assert.Equal(
            [("Variable $x was already declared. Variable shadowing is not allowed.", start, end), (context, -1, -1)],
            diagnostics.Select((d, i) => (d.Message, i == 0 ? d.Span.Start : -1, i == 0 ? d.Span.End : -1)).ToList());
    }

    [Fact]
    public void ShadowingPointsAtBothDeclarations()
    {
        // TEST(VariablePreCheck, shadowing), "One test to show the full error context", word for word.
        Assert.Equal("""
            stdin:1:23-29: ERROR: Variable $x was already declared. Variable shadowing is not allowed.
            begin { let $x = 1; { let $x = 2 } }
                                  ~~~~~~
            stdin:1:9-15: ERROR: This is the initial declaration.
            begin { let $x = 1; { let $x = 2 } }
                    ~~~~~~

            """.Replace("\r", "", StringComparison.Ordinal), Diagnostics("begin { let $x = 1; { let $x = 2 } }"));
    }

    [Theory]
    // TEST(VariablePreCheck, shadowing): a loop variable may not shadow either.
    [InlineData("begin { $i = 5; for (⟦$i⟧ : 1..10) { print($i) } }", "This is the initial assignment.")]
    [InlineData("begin { let $i = 5; for (⟦$i⟧ : 1..10) { print($i) } }", "This is the initial declaration.")]
    public void ALoopVariableMayNotShadowAVariableInScope(string annotated, string context)
    {
        var diagnostics = SemanticKit.Bind(annotated.Replace("⟦", "", StringComparison.Ordinal).Replace("⟧", "", StringComparison.Ordinal)).Diagnostics;
        var start = annotated.IndexOf('⟦', StringComparison.Ordinal);
        Assert.Equal([("Loop declaration shadows existing variable: $i", start), (context, 8)],
            diagnostics.Select(d => (d.Message, d.Span.Start)).ToList());
    }

    [Fact]
    public void ALoopVariableShadowingNamesTheAssignment()
    {
        // TEST(VariablePreCheck, shadowing), "Errors with source location", plus our located context.
        Assert.StartsWith("""
            stdin:1:22-24: ERROR: Loop declaration shadows existing variable: $i
            begin { $i = 5; for ($i : 1..10) { print($i) } }
                                 ~~

            """.Replace("\r", "", StringComparison.Ordinal), Diagnostics("begin { $i = 5; for ($i : 1..10) { print($i) } }"));
    }

    [Theory]
    // TEST(VariablePreCheck, never_assigned).
    [InlineData("begin { ⟦let $x⟧; }")]
    [InlineData("begin { if (1) { ⟦let $x⟧; } }")]
    [InlineData("begin { ⟦let $x⟧: int64; }")]
    public void ADeclaredVariableNeverAssignedWarns(string annotated) =>
        SemanticKit.AssertDiagnostics(annotated, "Variable $x was never assigned to.");

    [Fact]
    public void TheNeverAssignedWarningUnderlinesTheDeclaration()
    {
        // TEST(VariablePreCheck, never_assigned), "Warnings with source location".
        Assert.Equal("""
            stdin:1:9-15: WARNING: Variable $x was never assigned to.
            begin { let $x; }
                    ~~~~~~

            """.Replace("\r", "", StringComparison.Ordinal), Diagnostics("begin { let $x; }"));
    }

    [Theory]
    // TEST(VariablePreCheck, never_assigned), the cases without a warning.
    [InlineData("begin { let $x = 1; print($x) }")]
    [InlineData("begin { let $x = 1; print($x) } end { print(1); }")]
    [InlineData("begin { let $x; $x = 1; print($x) }")]
    [InlineData("k:f { $a = { let $x = 1; $x + 1 }; }")]
    [InlineData("begin { print(1); } k:f { $a = { let $x = 1; $x + 1 }; }")]
    [InlineData("begin { let $x; if (1) { $x = 1; } }")]
    [InlineData("begin { let $x: int64; $y = &$x; }")]
    public void AnAssignedDeclarationDoesNotWarn(string script) =>
        Assert.Equal("", Diagnostics(script));

    [Theory]
    // TEST(VariablePreCheck, used_before_assigned) and (undefined): kept as they were.
    [InlineData("begin { let $x; print(⟦$x⟧); $x = 1; }", "Variable used before it was assigned: $x")]
    [InlineData("begin { let $x; $y = ⟦$x⟧; $x = 1; }", "Variable used before it was assigned: $x")]
    [InlineData("begin { ⟦$x⟧ += 0 }", "Undefined or undeclared variable: $x")]
    public void ReadsBeforeAssignmentAndCompoundAssignmentsOfUnknownVariables(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);
}

/// <summary>
/// A <c>let $x;</c> in a <c>for</c> body starts each iteration at zero, as in the newest bpftrace, whose for body is a
/// callback (bpf_loop, bpf_for_each_map_elem) that initializes the variables it declares on entry; a <c>while</c> or
/// <c>unroll</c> body is no callback there, so its variables are initialized once, at the probe's start.
/// </summary>
public sealed class LoopDeclarationTests
{
    [Theory]
    [InlineData("begin { for ($i : 0..3) { let $x; printf(\"%d\\n\", $x); $x = $i; } }")]
    [InlineData("begin { @m[1] = 1; for ($kv : @m) { let $x; printf(\"%d\\n\", $x); $x = $kv.1; } }")]
    [InlineData("begin { for ($i : 0..3) { $j = 0; while ($j < 2) { let $x; printf(\"%d\\n\", $x); $x = $j; $j++; } } }")]
    public void ABareLetInAForBodyIsResetAtTheBodysStart(string script)
    {
        var lines = SemanticKit.Types(script).Split('\n');
        var reset = Array.FindIndex(lines, line => line.Trim() == "VariableReset $x");

        // Once, as the for body's first statement (its block follows the loop's line and the range's bounds), before the body's own.
        Assert.Single(lines, line => line.Contains("VariableReset", StringComparison.Ordinal));
        Assert.Equal("Block", lines[reset - 1].Trim());
        Assert.StartsWith("For", lines.Take(reset).Last(line => line.TrimStart().StartsWith("For", StringComparison.Ordinal) || line.TrimStart().StartsWith("While", StringComparison.Ordinal)).TrimStart(), StringComparison.Ordinal);
        Assert.Equal(Indent(lines[reset - 1]) + 1, Indent(lines[reset]));
    }

    [Theory]
    [InlineData("begin { $i = 0; while ($i < 3) { let $x; printf(\"%d\\n\", $x); $x = $i; $i++; } }")]
    [InlineData("begin { unroll(3) { let $x; printf(\"%d\\n\", $x); $x = 1; } }")]
    [InlineData("begin { for ($i : 0..3) { let $x = 5; printf(\"%d\\n\", $x); } }")]
    public void OtherLoopsAndDeclarationsWithAValueResetNothing(string script) =>
        Assert.DoesNotContain("VariableReset", SemanticKit.Types(script), StringComparison.Ordinal);

    private static int Indent(string line) => line.Length - line.TrimStart().Length;
}
