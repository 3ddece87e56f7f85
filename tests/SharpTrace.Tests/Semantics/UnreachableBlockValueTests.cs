using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// A block expression whose statements always leave (issue #12's block expressions): its value can never be computed,
/// and the newest bpftrace's control-flow pass (control_flow_analyser.cpp, BlockExpr) warns at that value in these
/// words, keeping the program.
/// </summary>
public class UnreachableBlockValueTests
{
    [Theory]
    [InlineData("begin { $x = { exit(); 5 }; }", "5 }")]
    [InlineData("begin { @x = { return; 5 }; }", "5 }")]
    [InlineData("begin { $y = { if (pid > 1) { return; } else { exit(); } pid + 7 }; }", "pid + 7")]
    public void AValueAfterStatementsThatAlwaysLeaveIsAnUnreachableExpression(string script, string value)
    {
        var warning = Assert.Single(SemanticKit.Bind(script).Diagnostics, d => d.Message.StartsWith("Unreachable", StringComparison.Ordinal));

        Assert.Equal("Unreachable expression; block type is implicitly none.", warning.Message);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(script.LastIndexOf(value, StringComparison.Ordinal), warning.Span.Start);
    }
}
