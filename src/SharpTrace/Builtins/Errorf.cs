using SharpTrace.Output;
using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Errorf))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>errorf(fmt, ...)</c>: formats like printf and prints the text as an error at the call's place, as bpftrace
/// does: <c>stdin:1:9-62: ERROR: text</c> on stderr, or an <c>errorf</c> record in JSON. The run goes on.
/// </summary>
internal sealed class Errorf : BuiltinFunction
{
    public override string Name => "errorf";

    public override bool IsStatement => true;

    public override BoundExpression Bind(CallExpression call, BuiltinContext context) =>
        ScriptMessageAction.Bind(call, context, isError: true);
}

/// <summary>
/// The record of an <c>errorf</c> or <c>warnf</c> call: the format's arguments; the call's place is known when the
/// program is compiled, so the record does not carry it.
/// </summary>
internal sealed record ScriptMessageAction(int Id, string Format, IReadOnlyList<IRecordValueType> ArgumentTypes, bool IsError, SourceLocation Location)
    : FormattedAction(Id, Format, ArgumentTypes)
{
    public override string Kind => IsError ? "errorf" : "warnf";

    /// <summary>The places the call was expanded from, as <see cref="ScriptMessage.ExpandedFrom"/> prints them.</summary>
    public IReadOnlyList<string> ExpandedFrom { get; init; } = [];

    protected override void Act(string text, IRecordContext context) =>
        context.Output.ScriptMessage(new ScriptMessage(IsError, text, Location.FileName, Location.Line, Location.Column, Location.ToString())
        {
            ExpandedFrom = ExpandedFrom,
        });

    /// <summary>
    /// The macro calls a call written in a macro's body was expanded from, innermost first, each as bpftrace prints it
    /// after the message (its runtime/call "errorf_macro_expansion"): <c>stdin:1:50-55: ERROR: expanded from</c> (a
    /// <c>warnf</c>'s <c>WARNING:</c>), the source line, a <c>~</c> underline.
    /// </summary>
    internal static IReadOnlyList<string> ExpansionPlaces(CallExpression call, BuiltinContext context, bool isError) =>
        call.ExpandedFrom.Select(span => new Diagnostic(isError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            context.Diagnostics.Source, span, "expanded from").Format()).ToList();

    /// <summary>Binds an <c>errorf</c>/<c>warnf</c> call: its format as printf's, and an action that knows the call's place.</summary>
    public static BoundExpression Bind(CallExpression call, BuiltinContext context, bool isError)
    {
        if (context.BindFormat(call) is not { } bound)
            return context.Error(call.Span);
        var location = SourceLocation.Of(context.Diagnostics.Source, call.Span);
        var action = context.AddAction(id => new ScriptMessageAction(id, bound.Format, bound.Types, isError, location)
        {
            ExpandedFrom = ExpansionPlaces(call, context, isError),
        });
        return new BoundFormattedCall(call.Span, call.Name, action, bound.Arguments, bound.Types);
    }
}
