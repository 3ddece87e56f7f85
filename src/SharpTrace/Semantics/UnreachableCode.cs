using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// Warns on code that can never run, as the newest bpftrace's control-flow pass does: the first statement after one
/// that always leaves its block (<c>return</c>, <c>exit()</c>, which returns from the probe, <c>break</c> and
/// <c>continue</c> in a loop, an <c>if</c> whose both branches leave) is "Unreachable statement."; a block expression's
/// value after one is "Unreachable expression; block type is implicitly none.". Only a warning: the program is kept.
/// </summary>
internal static class UnreachableCode
{
    [Flags]
    private enum Jump { None = 0, Return = 1, Break = 2, Continue = 4 }

    public static void Report(ProgramNode root, DiagnosticBag diagnostics)
    {
        foreach (var probe in root.Probes)
            Scan(probe.Body.Statements, null, Jump.Return, diagnostics);
    }

    /// <summary>The jump that always ends these statements (one of <paramref name="leaves"/>), or None.</summary>
    private static Jump Scan(IReadOnlyList<Statement> statements, Expression? value, Jump leaves, DiagnosticBag diagnostics)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            var jump = Leaves(statements[i], leaves, diagnostics);
            if (jump == Jump.None)
                continue;
            if (i + 1 < statements.Count)
                diagnostics.Warning(statements[i + 1].Span, "Unreachable statement.");
            if (value is not null)
                diagnostics.Warning(value.Span, "Unreachable expression; block type is implicitly none.");
            return jump;
        }
        return value is null ? Jump.None : Leaves(value, leaves, diagnostics);
    }

    private static Jump Leaves(Statement statement, Jump leaves, DiagnosticBag diagnostics) => statement switch
    {
        ReturnStatement => leaves & Jump.Return,
        BreakStatement => leaves & Jump.Break,
        ContinueStatement => leaves & Jump.Continue,
        Block block => Scan(block.Statements, null, leaves, diagnostics),
        ExpressionStatement e => Leaves(e.Expression, leaves, diagnostics),
        AssignmentStatement a => Leaves(a.Value, leaves, diagnostics),
        LetStatement { Value: { } v } => Leaves(v, leaves, diagnostics),
        IfStatement s => If(s, leaves, diagnostics),
        UnrollStatement u => Scan(u.Body.Statements, null, leaves, diagnostics),
        // A loop's break and continue end its body, not what follows the loop; a while loop's body may return.
        ForMapStatement f => Loop(f.Body, Jump.Break | Jump.Continue, Jump.None, diagnostics),
        ForRangeStatement f => Loop(f.Body, Jump.Break | Jump.Continue, Jump.None, diagnostics),
        WhileStatement w => Loop(w.Body, Jump.Break | Jump.Continue | (leaves & Jump.Return), leaves & Jump.Return, diagnostics),
        _ => Jump.None,
    };

    private static Jump If(IfStatement statement, Jump leaves, DiagnosticBag diagnostics)
    {
        var then = Scan(statement.Then.Statements, null, leaves, diagnostics);
        if (then == Jump.None || statement.Else is null)
            return Jump.None;
        return Leaves(statement.Else, leaves, diagnostics) == Jump.None ? Jump.None : then;
    }

    private static Jump Loop(Block body, Jump inside, Jump outward, DiagnosticBag diagnostics) =>
        Scan(body.Statements, null, inside, diagnostics) & outward;

    // exit() returns from the probe at once; a block expression leaves when its statements do.
    private static Jump Leaves(Expression expression, Jump leaves, DiagnosticBag diagnostics) => expression switch
    {
        CallExpression { Name: "exit", Arguments.Count: <= 1 } => leaves & Jump.Return,
        BlockExpression b => Scan(b.Statements, b.Value, leaves, diagnostics),
        _ => Jump.None,
    };
}
