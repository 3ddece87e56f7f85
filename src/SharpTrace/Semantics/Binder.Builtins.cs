using SharpTrace.Builtins;
using SharpTrace.Kernel;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>Builtins that bind themselves (<see cref="BuiltinFunction"/>): stacks, symbols, func.</summary>
internal sealed partial class Binder
{
    private Kallsyms? _kallsyms;

    /// <summary>Binds <c>name(...)</c>, or a bare <c>name</c> when <paramref name="call"/> has no parentheses, if a builtin function has that name.</summary>
    private BoundExpression? TryBindBuiltinFunction(CallExpression call, bool bareName)
    {
        if (!BuiltinFunction.All.TryGetValue(call.Name, out var function) || (bareName && !function.IsVariable))
            return null;
        var context = new BuiltinContext(_probeKind, _probeSpecs, _config, _diagnostics, BindExpression, () => _kallsyms ??= Kallsyms.Load(),
            reason => _probeCannotRun ??= reason);
        return function.Bind(call, context);
    }

    private BoundExpression? TryBindBuiltinFunction(Identifier identifier) =>
        TryBindBuiltinFunction(new CallExpression(identifier.Span, identifier.Name, identifier.Span, []), bareName: true);
}
