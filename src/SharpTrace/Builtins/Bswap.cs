using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Bswap))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>bswap(n)</c>: the integer with its bytes in reverse order, at its own width (a uint16 port from network order,
/// say); the result is unsigned of the same width, as in bpftrace, and a 1-byte integer is unchanged.
/// </summary>
internal sealed class Bswap() : UnaryFunction("bswap", ParameterKind.IntegerOperand)
{
    protected override BoundExpression Bind(TextSpan span, BoundExpression argument) =>
        new BoundBswap(span, argument, new IntegerType(argument.Type.Size, IsSigned: false));
}

/// <summary>A bound <c>bswap(n)</c>: the value in r0, byte-swapped at the width of <see cref="BpfType.Size"/>.</summary>
internal sealed record BoundBswap(TextSpan Span, BoundExpression Value, IntegerType Result) : BoundBuiltinCall(Span, Result)
{
    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var value = lowering.LowerScalar(Value);
        return Result.Bytes switch
        {
            1 => lowering.Ir.Binary(IrBinaryOp.And, value, new Imm(0xff)), // a signed byte arrives sign-extended
            2 => lowering.Ir.Unary(IrUnaryOp.Swap16, value),
            4 => lowering.Ir.Unary(IrUnaryOp.Swap32, value),
            _ => lowering.Ir.Unary(IrUnaryOp.Swap64, value),
        };
    }
}
