using SharpTrace.Bpf;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins.Aggregations;

/// <summary>
/// <c>hist(x)</c> and <c>hist(x, bits)</c>: a power-of-two histogram, each power split into 2^bits buckets
/// (bits 0 to 5, as later bpftrace versions allow). One map entry per bucket, keyed by (key, bucket index);
/// the bucket math is <see cref="Histogram.Log2Bucket(long, int)"/>.
/// </summary>
internal sealed class Hist : AggregationFunction
{
    public override AggregationKind Kind => AggregationKind.Hist;

    internal override AggregationType? Bind(CallExpression call, IReadOnlyList<BoundExpression> arguments, DiagnosticBag diagnostics)
    {
        if (arguments.Count is < 1 or > 2)
        {
            diagnostics.Error(call.Span, $"hist() takes one or two arguments ({arguments.Count} provided)");
            return null;
        }
        if (!RequireInteger(call, arguments[0], diagnostics))
            return null;
        var bits = 0L;
        if (arguments.Count == 2)
        {
            if (RequireLiteral(call, 1, arguments, diagnostics) is not { } literal)
                return null;
            if (literal is < 0 or > Histogram.MaxLog2Bits)
            {
                diagnostics.Error(call.Span, $"hist: bits argument must be in range 0-{Histogram.MaxLog2Bits} ({literal} provided)");
                return null;
            }
            bits = literal;
        }
        return new AggregationType(Kind) { Bits = (int)bits };
    }

    /// <summary>
    /// r0 = the bucket of the signed value in r0: 0 below zero, value + 1 up to 2^bits - 1, else from the position
    /// of the leading one bit (found by a binary search, no loop) and the <c>bits</c> bits after it. Clobbers r1-r3.
    /// </summary>
    internal static void EmitBucket(Assembler asm, int bits)
    {
        var negative = asm.NewLabel("hist_negative");
        var small = asm.NewLabel("hist_small");
        var done = asm.NewLabel("hist_done");
        var mask = (1 << bits) - 1;
        asm.JumpIf(JumpOp.Slt, Reg.R0, 0, negative);
        asm.JumpIf(JumpOp.Le, Reg.R0, mask, small);
        // r1 = value shifted down as the search goes, r2 = position of the leading one bit.
        asm.Mov(Reg.R1, Reg.R0);
        asm.Mov(Reg.R2, 0);
        for (var half = 32; half >= 1; half /= 2)
        {
            var below = asm.NewLabel("hist_below");
            asm.LoadImm64(Reg.R3, 1L << half);
            asm.JumpIf(JumpOp.Lt, Reg.R1, Reg.R3, below);
            asm.Alu(AluOp.Rsh, Reg.R1, half);
            asm.Alu(AluOp.Add, Reg.R2, half);
            asm.Mark(below);
        }
        // shift = position - bits; bucket = ((shift + 1) << bits) + ((value >> shift) & mask) + 1
        asm.Alu(AluOp.Sub, Reg.R2, bits);
        asm.Alu(AluOp.Rsh, Reg.R0, Reg.R2);
        asm.Alu(AluOp.And, Reg.R0, mask);
        asm.Alu(AluOp.Add, Reg.R2, 1);
        asm.Alu(AluOp.Lsh, Reg.R2, bits);
        asm.Alu(AluOp.Add, Reg.R0, Reg.R2);
        asm.Alu(AluOp.Add, Reg.R0, 1);
        asm.Jump(done);
        asm.Mark(negative);
        asm.Mov(Reg.R0, 0);
        asm.Jump(done);
        asm.Mark(small);
        asm.Alu(AluOp.Add, Reg.R0, 1);
        asm.Mark(done);
    }

    internal override void EmitUpdate(Assembler asm) => EmitIncrement(asm, 0);

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) =>
        throw new InvalidOperationException("histograms are read bucket by bucket");
}
