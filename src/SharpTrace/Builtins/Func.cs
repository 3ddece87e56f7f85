using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary>
/// <c>func</c> in a uprobe or uretprobe: the name of the probed function. When every attach point names the same
/// function it is that name, a constant, so it prints even after the process is gone; otherwise (wildcards, several
/// functions, raw addresses) it is the function holding the instruction pointer, named in user space like usym.
/// </summary>
internal sealed class Func : BuiltinFunction
{
    public override string Name => "func";
    public override bool IsVariable => true;

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (context.ProbeKind is not (ProbeKind.Uprobe or ProbeKind.Uretprobe))
        {
            context.Diagnostics.Error(call.Span, $"The func builtin can not be used with '{ProbeSpec.NameOf(context.ProbeKind)}' probes");
            return context.Error(call.Span);
        }
        if (call.Arguments.Count > 0)
        {
            context.Diagnostics.Error(call.Span, "func is a builtin variable, not a function");
            return context.Error(call.Span);
        }
        var names = context.AttachPoints.Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();
        if (names is [{ Length: > 0 } name])
            return new BoundStringLiteral(call.Span, name);
        // A uretprobe's instruction pointer is already back in the caller: only the constant name is right there.
        if (context.ProbeKind == ProbeKind.Uretprobe)
        {
            context.Diagnostics.ReportUnsupported(call.Span, "func in a uretprobe with several functions");
            return context.Error(call.Span);
        }
        return new BoundUsym(call.Span, null);
    }
}
