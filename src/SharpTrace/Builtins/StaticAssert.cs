using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(StaticAssert))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>static_assert(cond, msg)</c>: nothing when the compiler knows <c>cond</c> is true; when it knows it is false,
/// <c>fail(msg)</c> (the reference's macro: <c>if comptime (!cond) { fail(msg); }</c>); when only the run knows,
/// the reference's <c>Unable to resolve comptime expression</c>. <c>msg</c> is read only when <c>cond</c> is false.
/// </summary>
internal sealed class StaticAssert : StdlibMacro
{
    public override string Name => "static_assert";

    public override bool IsStatement => true;

    protected override int ParameterCount => 2;

    protected override BoundExpression BindMacro(CallExpression call, BuiltinContext context)
    {
        var condition = context.Bind(call.Arguments[0]);
        if (condition.Type is ErrorType)
            return context.Error(call.Span);
        var evaluated = LiteralFolding.Evaluate(condition);
        if (evaluated is not { Literal: { } literal } || LiteralFolding.Truth(literal) is not { } value)
        {
            context.Diagnostics.Error(call.Span, evaluated?.Error ?? ExpressionBinder.UnresolvedComptime);
            return context.Error(call.Span);
        }
        if (value)
            return CompileTime.Nothing(call.Span);
        if (Fail.Message(call.Span, [call.Arguments[1]], context) is { } message)
            context.Diagnostics.Error(call.Span, message);
        return context.Error(call.Span);
    }
}
