using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(KfuncAllowed))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>kfunc_allowed("name")</c>: a compile-time bool, true when the probe's kind of program (its BPF program type:
/// raw_tracepoint for BEGIN and END, tracepoint, kprobe, perf_event, XDP for test probes) may call that kernel
/// function, which the compiler asks the kernel by loading a program that calls it (<see cref="KernelFunctionCalls"/>);
/// false when BTF has no such function. The argument must be a string literal, as for <c>kfunc_exist</c>.
/// </summary>
internal sealed class KfuncAllowed : StdlibMacro
{
    public override string Name => "kfunc_allowed";

    protected override int ParameterCount => 1;

    protected override BoundExpression BindMacro(CallExpression call, BuiltinContext context)
    {
        if (KfuncExist.KernelFunctionName(call, context) is not { } name)
            return context.Error(call.Span);
        var exists = context.KernelTypes?.FindFunctionPrototype(name) is not null;
        return CompileTime.Bool(call.Span, exists && KernelFunctionCalls.IsAllowed(name, context.ProbeKind.ProgramType));
    }
}
