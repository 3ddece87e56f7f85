using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(AssertFunction))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>assert(cond, msg)</c>: when <c>cond</c> is false at run time, <c>errorf("assert failed: %s", msg)</c> then
/// <c>exit(1)</c>, as the reference's macro (its <c>stdlib/base.bt</c>) does. The message therefore names the place of
/// that <c>errorf</c> in bpftrace's library, <c>stdlib/base.bt:6:5-37</c> (in text and in the JSON record), and the
/// text output adds the call it was expanded from, as bpftrace prints a macro's <c>errorf</c>.
/// </summary>
internal sealed class AssertFunction : StdlibMacro
{
    /// <summary>Where the reference's macro calls errorf: line 6, columns 5-37 of its stdlib/base.bt.</summary>
    private static readonly SourceLocation ErrorfInLibrary = new("stdlib/base.bt", 6, 6, 5, 37);

    public override string Name => "assert";

    public override bool IsStatement => true;

    protected override int ParameterCount => 2;

    protected override BoundExpression BindMacro(CallExpression call, BuiltinContext context)
    {
        var condition = call.Arguments[0];
        var failed = context.Bind(new UnaryExpression(condition.Span, UnaryOperator.LogicalNot, condition));
        var errorf = new CallExpression(call.Span, "errorf", call.NameSpan, [new StringLiteral(call.Span, "assert failed: %s"), call.Arguments[1]]);
        if (failed.Type is ErrorType || context.BindFormat(errorf) is not { } message)
            return context.Error(call.Span);
        var expandedFrom = new Diagnostic(DiagnosticSeverity.Error, context.Diagnostics.Source, call.Span, "expanded from").Format();
        var report = context.AddAction(id => new ScriptMessageAction(id, message.Format, message.Types, IsError: true, ErrorfInLibrary)
        {
            ExpandedFrom = [expandedFrom, .. ScriptMessageAction.ExpansionPlaces(call, context, isError: true)],
        });
        var exit = context.AddAction(id => new ExitAction(id, HasCode: true));
        BoundStatement[] then =
        [
            new BoundExpressionStatement(call.Span, new BoundFormattedCall(call.Span, "errorf", report, message.Arguments, message.Types)),
            new BoundExit(call.Span, new BoundIntegerLiteral(call.Span, 1, BpfType.Int64), exit),
        ];
        return new BoundBlockExpression(call.Span, [new BoundIf(call.Span, failed, new BoundBlock(call.Span, then), null)], null);
    }
}
