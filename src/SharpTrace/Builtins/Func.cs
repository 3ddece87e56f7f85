using SharpTrace.Lowering;
using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Func))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>func</c> in a uprobe, kprobe or their return and fentry/fexit kinds: the name of the probed function.
/// In a uprobe or uretprobe it is a <c>usym_t</c>, as the newest bpftrace types it (its type resolver's
/// <c>__builtin_func</c>): the address and the process id, printed as <c>usym</c> prints (the function's name, no
/// offset). When every attach point names the same function, the value also carries that name (a tag user space
/// looks up, <see cref="UserFunctionNameAction"/>), so it prints even after the process is gone, where the newest
/// names the address from the probe's binary; a uretprobe's value is that name alone (its instruction pointer is back
/// in the caller). Otherwise (wildcards, several functions) it is the function holding the instruction pointer.
/// In kernel probes it is the constant name (a string; the newest's is a <c>ksym_t</c>) or, for several functions,
/// the kernel function holding the instruction pointer (ksym).
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
        var constant = names is [{ Length: > 0 } name] && !Wildcard.Has(name) ? name : null;
        switch (context.ProbeKind.Context.Func)
        {
            case FuncSource.UserInstructionPointer or FuncSource.UserAttachPointOnly when constant is not null:
            {
                var tag = context.AddAction(id => new UserFunctionNameAction(id, constant)) + 1;
                var address = context.ProbeKind.Context.Func == FuncSource.UserInstructionPointer ? null : new BoundIntegerLiteral(call.Span, 0, BpfType.UInt64);
                return new BoundUsym(call.Span, address, tag);
            }
            case var _ when constant is not null:
                return new BoundStringLiteral(call.Span, constant);
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

/// <summary>
/// The name of the one user function a probe's <c>func</c> stands for, handed to user space when the run starts
/// (under the tag its values carry, the action's id plus one), so that they print it whether or not the process still
/// lives to name its address. It sends no records.
/// </summary>
internal sealed record UserFunctionNameAction(int Id, string Name) : AsyncAction(Id)
{
    public override string Kind => "func_name";

    public override IRecordHandler CreateHandler(IRecordContext context)
    {
        context.NameUserFunction(Id + 1, Name);
        return new NoRecords();
    }

    private sealed class NoRecords : IRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> record)
        {
        }
    }
}
