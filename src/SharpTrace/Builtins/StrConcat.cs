using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(StrConcat))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>str_concat(s1, s2)</c>: a new string, <c>s1</c>'s text followed by <c>s2</c>'s, as the newest bpftrace's string
/// library defines it; both string-like (strings, arrays of 1-byte integers, pointers to them, whose string is read as
/// <c>str(p)</c>). The reference's result is always a <c>string[1024]</c>; here it is as large as both together
/// (<c>string[size1 + size2]</c>), which holds every concatenation and fits the probe's stack.
/// </summary>
internal sealed class StrConcat : BuiltinFunction
{
    public override string Name => "str_concat";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var first = StringLike.AsValue(call.Arguments[0], call.Span, context);
        var second = StringLike.AsValue(call.Arguments[1], call.Span, context);
        if (first is null || second is null)
            return context.Error(call.Span);
        return new BoundStrConcat(call.Span, first, second, new StringType(first.Type.Size + second.Type.Size));
    }
}

/// <summary>
/// A bound <c>str_concat(s1, s2)</c>: the result zeroed, <c>s1</c> copied in up to its NUL (bpf_probe_read_kernel_str
/// from its copy on the stack, which returns the length), then <c>s2</c> the same way right after it: one call per
/// possible length of <c>s1</c>, so every destination address is a constant offset the verifier can check.
/// </summary>
internal sealed record BoundStrConcat(TextSpan Span, BoundExpression First, BoundExpression Second, StringType Result)
    : BoundBuiltinCall(Span, Result)
{
    public override IReadOnlyList<BoundExpression> Operands => [First, Second];

    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        var ir = lowering.Ir;
        var (firstSize, secondSize) = (First.Type.Size, Second.Type.Size);
        var first = ir.NewSlot(firstSize);
        lowering.LowerInto(First, first, 0, firstSize, padStrings: false);
        var second = ir.NewSlot(secondSize);
        lowering.LowerInto(Second, second, 0, secondSize, padStrings: false);
        var result = ir.NewSlot(Result.Size);
        ir.Zero(result, 0, Result.Size);
        // At most firstSize bytes of s1 (an array need not end in a NUL), then the NUL.
        var copied = ir.Call(HelperFunction.ProbeReadKernelStr, new StackAddress(result), new Imm(firstSize + 1), new StackAddress(first));
        var end = ir.NewLabel("concat_end");
        for (var length = 0; length <= firstSize; length++)
        {
            var next = ir.NewLabel("concat_next");
            ir.Branch(IrCondition.Ne, copied, new Imm(length + 1), next);
            ir.CallVoid(HelperFunction.ProbeReadKernelStr, new StackAddress(result, length),
                new Imm(Math.Min(Result.Size - length, secondSize + 1)), new StackAddress(second));
            ir.Goto(end);
            ir.Mark(next);
        }
        ir.Mark(end);
        ir.Copy(new SlotAddress(slot, offset), new SlotAddress(result), Math.Min(size, Result.Size));
        ir.Zero(slot, offset + Result.Size, size - Result.Size);
        return true;
    }
}
