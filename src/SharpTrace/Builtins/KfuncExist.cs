using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(KfuncExist))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>kfunc_exist("name")</c>: a compile-time bool, true when the kernel's BTF has a function of that name (any
/// function BTF lists, as the reference looks up a BTF id; false without BTF). The argument must be a string literal:
/// otherwise the reference's <c>kfunc_exist() accepts a string literal only</c>.
/// </summary>
internal sealed class KfuncExist : StdlibMacro
{
    public override string Name => "kfunc_exist";

    protected override int ParameterCount => 1;

    protected override BoundExpression BindMacro(CallExpression call, BuiltinContext context) =>
        KernelFunctionName(call, context) is { } name
            ? CompileTime.Bool(call.Span, context.KernelTypes?.FindFunctionPrototype(name) is not null)
            : context.Error(call.Span);

    /// <summary>The string literal a kfunc builtin was given; null after the reference's error when it was not one.</summary>
    public static string? KernelFunctionName(CallExpression call, BuiltinContext context)
    {
        if (CompileTime.Fold(call.Arguments[0], context, out var failed) is StringValue name)
            return name.Value;
        if (!failed)
            context.Diagnostics.Error(call.Span, $"{call.Name}() accepts a string literal only");
        return null;
    }
}
