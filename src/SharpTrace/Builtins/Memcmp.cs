using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Memcmp))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>memcmp(left, right, count)</c>: compares the first <c>count</c> bytes of two values (their bytes as stored: a
/// string's, an array's, a struct's, an integer's), as the newest bpftrace's library defines it: 0 when they agree,
/// otherwise the first differing byte of <c>left</c> minus that of <c>right</c>, the bytes as signed chars, an int32.
/// <c>count</c> is any integer; bytes past the smaller value's end are not compared (the reference reads on past the
/// copies it compares, which the verifier here refuses).
/// </summary>
internal sealed class Memcmp : BuiltinFunction
{
    public override string Name => "memcmp";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Any, ParameterKind.Any, ParameterKind.UInt64);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        foreach (var value in arguments.Take(2))
        {
            if (value!.Type.Size > 0 && value.Type is not (TupleType or BoolType))
                continue;
            context.Diagnostics.Error(value.Span, $"{Name}() cannot compare a value of type {value.Type}");
            return context.Error(call.Span);
        }
        return new BoundMemcmp(call.Span, arguments[0]!, arguments[1]!, arguments[2]!);
    }
}

/// <summary>A bound <c>memcmp(l, r, n)</c>: both values copied to the stack and compared byte by byte in a loop (<see cref="ByteLoop"/>).</summary>
internal sealed record BoundMemcmp(TextSpan Span, BoundExpression Left, BoundExpression Right, BoundExpression Count)
    : BoundBuiltinCall(Span, new IntegerType(4, true))
{
    public override IReadOnlyList<BoundExpression> Operands => [Left, Right, Count];

    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var ir = lowering.Ir;
        var (leftSize, rightSize) = (Left.Type.Size, Right.Type.Size);
        var left = LowerBytes(lowering, Left);
        var right = LowerBytes(lowering, Right);
        var count = lowering.LowerScalar(Count);
        var compared = Math.Min(leftSize, rightSize);
        var literal = Count is BoundIntegerLiteral;
        if (Count is BoundIntegerLiteral { Value: var value })
            compared = (int)Math.Clamp(value, 0, compared);
        if (compared <= 0)
            return new Imm(0);
        Operand[] inputs = literal ? [] : [count];
        return ByteLoop.Run(lowering, ir, "memcmp", literal ? "" : "count", compared, [new StackAddress(left), new StackAddress(right)], inputs, new Imm(0), loop =>
        {
            if (!literal)
                loop.StopIf(IrCondition.Le, loop.Input(0), loop.Index, new Imm(0));
            var l = loop.Byte(0, signed: true);
            var r = loop.Byte(1, signed: true);
            loop.StopIf(IrCondition.Ne, l, r, () => loop.Ir.Binary(IrBinaryOp.Sub, l, r));
        });
    }

    /// <summary>
    /// The value's bytes in a stack slot that may be read one byte at a time. A pointer stored from a register is a
    /// spilled pointer to the verifier, which refuses narrow reads of it ("invalid size of register fill"), so its
    /// bytes are copied through bpf_probe_read_kernel into a slot the verifier sees as plain bytes.
    /// </summary>
    private static Slot LowerBytes(ProbeLowerer lowering, BoundExpression value)
    {
        var ir = lowering.Ir;
        var size = value.Type.Size;
        var slot = ir.NewSlot(size);
        lowering.LowerInto(value, slot, 0, size, padStrings: true);
        if (value.Type is not PointerType)
            return slot;
        var bytes = ir.NewSlot(size);
        ir.CallVoid(HelperFunction.ProbeReadKernel, new StackAddress(bytes), new Imm(size), new StackAddress(slot));
        return bytes;
    }
}
