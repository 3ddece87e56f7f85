using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Func))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>func</c> in a uprobe, kprobe or their return and fentry/fexit kinds: the name of the probed function. When every
/// attach point names the same function it is that name, a constant, so it prints even after the process is gone;
/// otherwise (wildcards, several functions, raw addresses) it is the function holding the instruction pointer, named
/// in user space like usym (uprobes) or ksym (kprobes).
/// </summary>
internal sealed class Func : BuiltinFunction
{
    public override string Name => "func";
    public override bool IsVariable => true;

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (context.ProbeKind.Context.Func == FuncSource.None)
        {
            context.Diagnostics.Error(call.Span, $"The func builtin can not be used with '{context.ProbeKind.Name}' probes");
            return context.Error(call.Span);
        }
        if (call.Arguments.Count > 0)
        {
            context.Diagnostics.Error(call.Span, "func is a builtin variable, not a function");
            return context.Error(call.Span);
        }
        var names = context.AttachPoints.Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();
        if (names is [{ Length: > 0 } name] && !Wildcard.Has(name))
            return new BoundStringLiteral(call.Span, name);
        switch (context.ProbeKind.Context.Func)
        {
            case FuncSource.UserInstructionPointer:
                return new BoundUsym(call.Span, null);
            case FuncSource.KernelInstructionPointer:
                return new BoundKsym(call.Span, new BoundInstructionPointer(call.Span));
            default:
                // A return probe's instruction pointer is already back in the caller, and an fentry's context has none:
                // only the constant name is right there.
                context.Diagnostics.ReportUnsupported(call.Span, $"func in a {context.ProbeKind.Name} with several functions");
                return context.Error(call.Span);
        }
    }
}

/// <summary>The instruction pointer of a kprobe's or uprobe's context (ip in struct pt_regs).</summary>
internal sealed record BoundInstructionPointer(TextSpan Span) : BoundBuiltinCall(Span, BpfType.UInt64)
{
    private const short IpOffset = 128; // struct pt_regs, x86-64

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Load(new PointerAddress(lowering.Ir.Context, IpOffset), IrInt.U64);
}
