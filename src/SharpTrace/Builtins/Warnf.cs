using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Warnf))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>warnf(fmt, ...)</c>: as <see cref="Errorf"/>, printed as a warning (<c>stdin:1:9-62: WARNING: text</c>, or a
/// <c>warnf</c> JSON record); <c>--no-warnings</c> silences it, as in bpftrace.
/// </summary>
internal sealed class Warnf : BuiltinFunction
{
    public override string Name => "warnf";

    public override bool IsStatement => true;

    public override BoundExpression Bind(CallExpression call, BuiltinContext context) =>
        ScriptMessageAction.Bind(call, context, isError: false);
}
