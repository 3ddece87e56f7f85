using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Probetype))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>probetype</c> and <c>probetype()</c>: the name of the probe's type as a string literal (<c>tracepoint</c>,
/// <c>uprobe</c>, <c>interval</c>…); BEGIN and END are <c>special</c>, as the newest bpftrace names them.
/// </summary>
internal sealed class Probetype : BuiltinFunction
{
    public override string Name => "probetype";
    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.Of();

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context) =>
        new BoundStringLiteral(call.Span, context.ProbeKind.Name is "begin" or "end" ? "special" : context.ProbeKind.Name);
}
