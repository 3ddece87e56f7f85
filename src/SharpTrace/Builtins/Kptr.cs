using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Kptr))]
[assembly: BuiltinProvider(typeof(Uptr))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>kptr(p)</c>: the same pointer, marked as kernel memory, so reads through it use bpf_probe_read_kernel; an integer
/// is returned unchanged, as bpftrace 0.17 does. <c>uptr(p)</c> is the same for user memory.
/// </summary>
internal class Kptr : BuiltinFunction
{
    public override string Name => "kptr";

    protected virtual bool IsUserSpace => false;

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Any);

    // The message was produced by bpftrace 0.17 for the same call.
    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var value = arguments[0]!;
        switch (value.Type)
        {
            case PointerType pointer:
                return new BoundAddressSpace(call.Span, value, pointer with { IsUserSpace = IsUserSpace });
            case IntegerType:
                return new BoundAddressSpace(call.Span, value, value.Type);
            default:
                context.Diagnostics.Error(call.Span, $"{Name}() only supports integer or pointer arguments ({KindName(value.Type)} provided)");
                return context.Error(call.Span);
        }
    }
}

/// <summary><c>uptr(p)</c>: the pointer marked as user memory (bpf_probe_read_user).</summary>
internal sealed class Uptr : Kptr
{
    public override string Name => "uptr";
    protected override bool IsUserSpace => true;
}

/// <summary>A bound <c>kptr(p)</c> or <c>uptr(p)</c>: the value unchanged, of a type naming its address space.</summary>
internal sealed record BoundAddressSpace(TextSpan Span, BoundExpression Value, BpfType Marked) : BoundBuiltinCall(Span, Marked)
{
    public override IReadOnlyList<BoundExpression> Operands => [Value];

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.LowerScalar(Value);
}
