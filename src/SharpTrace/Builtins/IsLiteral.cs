using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(IsLiteral))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>is_literal(e)</c>: true when <c>e</c> is a literal once the reference's literal folding has run (<c>1</c>,
/// <c>"hello"</c>, <c>true</c>, <c>-1</c>, <c>1 + 2</c>, <c>$1</c>, a tuple of literals; not a variable, a call or a
/// cast); a compile-time bool, as its <c>__builtin_is_literal</c>. <c>e</c> is bound (so an overflow in it is the
/// folding's error) but never evaluated.
/// </summary>
internal sealed class IsLiteral : StdlibMacro
{
    public override string Name => "is_literal";

    protected override int ParameterCount => 1;

    protected override BoundExpression BindMacro(CallExpression call, BuiltinContext context)
    {
        var value = CompileTime.Fold(call.Arguments[0], context, out var failed);
        return failed ? context.Error(call.Span) : CompileTime.Bool(call.Span, value is not null);
    }
}
