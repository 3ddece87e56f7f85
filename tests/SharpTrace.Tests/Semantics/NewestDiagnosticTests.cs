using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Diagnostics worded as the newest bpftrace words them (its tests/runtime cases and tests/type_checker.cpp), where
/// bpftrace 0.17 said something else or nothing.
/// </summary>
public class NewestDiagnosticTests
{
    private static List<string> Warnings(string script) =>
        SemanticKit.Bind(script).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.Message).ToList();

    // runtime/basic "has_key error scalar" and "has_key error type mismatch", type_checker.cpp's map key cases.
    [Theory]
    [InlineData("begin { @g = 2; if (has_key(@g, 2)) { printf(\"ok\\n\"); }  }",
        "call to has_key() expects a map with explicit keys (non-scalar map)")]
    [InlineData("begin { @g[1, \"hi\"] = 2; if (has_key(@g, (1, 2))) { printf(\"ok\\n\"); }  }",
        "Argument mismatch for @g: trying to access with arguments: '(int8,int8)' when map expects arguments: '(int8,string[3])'")]
    [InlineData("begin { @x[1] = 0; @x[1, 2] = 1; }",
        "Argument mismatch for @x: trying to access with arguments: '(int8,int8)' when map expects arguments: 'int8'")]
    [InlineData("begin { @x[1] = 0; @x[\"abcd\"] = 1; }",
        "Argument mismatch for @x: trying to access with arguments: 'string[5]' when map expects arguments: 'int8'")]
    [InlineData("begin { @x = 0; @x[1]; }",
        "@x used as a map with an explicit key (non-scalar map), previously used without an explicit key (scalar map)")]
    [InlineData("begin { @x[1] = 0; @x; }",
        "@x used as a map without an explicit key (scalar map), previously used with an explicit key (non-scalar map)")]
    public void MapKeyErrorsAreTheNewestsWords(string script, string message) =>
        Assert.Equal([message], SemanticKit.Errors(script));

    // type_checker.cpp visit(Call) print: a map printed in a while or for body (not in unroll, nor after the loop).
    [Theory]
    [InlineData("begin { @x[1] = 1; $i = 0; while ($i < 2) { print(@x); $i++; } }", 1)]
    [InlineData("begin { @x[1] = 1; for $i : 0..2 { print(@x, 1); } }", 1)]
    [InlineData("begin { @x[1] = 1; for ($kv : @x) { print(@x); } }", 1)]
    [InlineData("begin { @x[1] = 1; unroll(2) { print(@x); } }", 0)]
    [InlineData("begin { @x[1] = 1; for $i : 0..2 { print($i); } print(@x); }", 0)]
    public void PrintingAMapInALoopWarnsAsTheNewest(string script, int count) =>
        Assert.Equal(Enumerable.Repeat("Due to it's asynchronous nature using 'print()' in a loop can lead to unexpected behavior. "
            + "The map will likely be updated before the runtime can 'print' it.", count), Warnings(script));

    // type_checker.cpp invalid_assignment, with its spans (the whole `let`); was "Reading a value of a hist map is not
    // supported yet" at the map.
    [Theory]
    [InlineData("begin { @a = hist(10); ⟦let $b = @a⟧; }", "Value 'hist_t' cannot be assigned to a scratch variable.")]
    [InlineData("begin { @a = lhist(123, 0, 123, 1); ⟦let $b = @a⟧; }", "Value 'lhist_t' cannot be assigned to a scratch variable.")]
    [InlineData("config = { unstable_tseries = enable } begin { @a = tseries(10, 10s, 1); ⟦let $b = @a⟧; }", "Value 'tseries_t' cannot be assigned to a scratch variable.")]
    [InlineData("begin { @a = stats(10); ⟦let $b = @a⟧; }", "Value 'stats_t' cannot be assigned to a scratch variable.")]
    [InlineData("begin { @a = hist(10); ⟦$b = @a⟧; }", "Value 'hist_t' cannot be assigned to a scratch variable.")]
    public void AnAggregationWithoutAValueIsNotAssignedToAVariable(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    // runtime/other "exit with unreachable code"; type_checker.cpp while_loop: break, continue and return.
    [Theory]
    [InlineData("i:ms:100 { @++; exit(); @++ }", "@++")]
    [InlineData("BEGIN { $a = 1; while ($a < 10) { break; $a++ } }", "$a++")]
    [InlineData("BEGIN { $a = 1; while ($a < 10) { continue; $a++ } }", "$a++")]
    [InlineData("BEGIN { $a = 1; while ($a < 10) { return; $a++ } }", "$a++")]
    [InlineData("BEGIN { if (pid > 1) { return; } else { exit(); } @x = 1; }", "@x = 1")]
    [InlineData("BEGIN { for ($i : 0..3) { continue; @y = $i; } }", "@y = $i")]
    public void AStatementAfterOneThatAlwaysLeavesIsUnreachable(string script, string unreachable)
    {
        var warning = Assert.Single(SemanticKit.Bind(script).Diagnostics, d => d.Message.StartsWith("Unreachable", StringComparison.Ordinal));
        Assert.Equal("Unreachable statement.", warning.Message);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(script.LastIndexOf(unreachable, StringComparison.Ordinal), warning.Span.Start);
    }

    [Theory]
    [InlineData("BEGIN { if (pid > 1) { return; } @x = 1; }")]
    [InlineData("BEGIN { @x = 1; exit(); }")]
    [InlineData("BEGIN { for ($i : 0..3) { if ($i == 1) { break; } @y = $i; } exit(); }")]
    public void NothingIsUnreachableWhenSomePathGoesOn(string script) =>
        Assert.DoesNotContain(Warnings(script), w => w.StartsWith("Unreachable", StringComparison.Ordinal));

    // "a ?: b" is one node for the condition and the value (the newest's parse_ternary gives IfExpr(a, a, b)): a warning
    // on it is said once, also as a statement whose other branch is a call and when a macro puts the condition in.
    [Theory]
    [InlineData("begin { $a = (int32)-1; $b = (int64)2; $c = ($a / $b) ?: 5; print($c); }")]
    [InlineData("begin { $a = (int32)-1; $b = (int64)2; bswap($a / $b) ?: bswap(1); }")]
    [InlineData("macro pick(x) { x ?: 5 } begin { $a = (int32)-1; $b = (int64)2; $c = pick($a / $b); print($c); }")]
    public void AWarningOnTheConditionOfAShortTernaryIsSaidOnce(string script) =>
        Assert.Equal(["signed operands for '/' can lead to undefined behavior (cast to unsigned to silence warning)"], Warnings(script));

    // A ternary statement of calls, typed as the newest types an IfExpr (type_resolver: both branches of one type, void
    // or not, "Branches must return the same type..."; type_checker: "Invalid condition: void" for a condition without
    // a value). "f() ?: g()" has f() as its condition and its first branch.
    [Theory]
    [InlineData("begin { ⟦print(\"a\") ?: print(\"b\")⟧; }", "Invalid condition: void")]
    [InlineData("begin { ⟦exit() ?: printf(\"b\")⟧; }", "Invalid condition: void")]
    [InlineData("begin { ⟦bswap(1) ?: print(\"b\")⟧; }", "Branches must return the same type or compatible types: have 'uint8' and 'void'")]
    [InlineData("begin { ⟦1 ? print(\"a\") : bswap(2)⟧; }", "Branches must return the same type or compatible types: have 'void' and 'uint8'")]
    [InlineData("begin { ⟦pid ? bswap(2) : exit()⟧; }", "Branches must return the same type or compatible types: have 'uint8' and 'void'")]
    public void ATernaryStatementOfCallsHasBranchesOfOneKind(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    [InlineData("begin { pid ? print(\"a\") : exit(); }", "If")]
    [InlineData("begin { bswap(pid) ?: bswap(1); }", "If")]
    public void ATernaryStatementOfCallsOfOneKindRunsOneOfThem(string script, string node) =>
        Assert.Contains("  " + node + "\n", SemanticKit.Types(script), StringComparison.Ordinal);

    // runtime/map "map declaration unused", type_checker.cpp map_declarations: a warning, and the program runs.
    [Fact]
    public void ADeclaredMapNoProbeNamesIsUnusedNotUndefined()
    {
        var (program, diagnostics) = SemanticKit.Bind("let @a = percpuhash(1); begin {  }");

        var warning = Assert.Single(diagnostics);
        Assert.Equal(("Unused map: @a", DiagnosticSeverity.Warning, 0), (warning.Message, warning.Severity, warning.Span.Start));
        Assert.NotNull(program);
        Assert.Empty(program.Maps);
        Assert.Equal(["Unused map: @a"], Warnings("let @a = hash(2); let @b = hash(2); begin { @b[1] = 1; print(1); }"));
    }
}
