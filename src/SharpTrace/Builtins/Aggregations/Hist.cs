using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Hist))]

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

    public override void LowerUpdate(IrBuilder ir, Address slot, Operand value) => LowerIncrement(ir, slot, 0);

    public override void LowerFirst(IrBuilder ir, Slot slot, Operand value) => ir.Store(new SlotAddress(slot), 8, new Imm(1));

    /// <summary>The bucket of the signed value in IR: 0 below zero, value + 1 up to 2^bits - 1, else from the position of the leading one bit and the <c>bits</c> bits after it; the leading one bit found by a binary search.</summary>
    public override Operand LowerBucket(IrBuilder ir, Operand value, AggregationType type)
    {
        if (value is Imm constant)
            return new Imm(Histogram.Log2Bucket(constant.Value, type.Bits));
        var bits = type.Bits;
        var mask = (1L << bits) - 1;
        var bucket = ir.NewRegister();
        var negative = ir.NewLabel("hist_negative");
        var small = ir.NewLabel("hist_small");
        var done = ir.NewLabel("hist_done");
        ir.Branch(IrCondition.Slt, value, new Imm(0), negative);
        ir.Branch(IrCondition.Le, value, new Imm(mask), small);
        var rest = ir.NewRegister();
        var position = ir.NewRegister();
        ir.Emit(new MoveOp(rest, value));
        ir.Emit(new MoveOp(position, new Imm(0)));
        for (var half = 32; half >= 1; half /= 2)
        {
            var below = ir.NewLabel("hist_below");
            ir.Branch(IrCondition.Lt, rest, new Imm(1L << half), below);
            ir.Emit(new BinaryOp(IrBinaryOp.Shr, rest, rest, new Imm(half)));
            ir.Emit(new BinaryOp(IrBinaryOp.Add, position, position, new Imm(half)));
            ir.Mark(below);
        }
        // shift = position - bits; bucket = ((shift + 1) << bits) + ((value >> shift) & mask) + 1
        if (bits == 0)
            ir.Emit(new BinaryOp(IrBinaryOp.Add, bucket, position, new Imm(2)));
        else
        {
            ir.Emit(new BinaryOp(IrBinaryOp.Sub, position, position, new Imm(bits)));
            ir.Emit(new BinaryOp(IrBinaryOp.Shr, bucket, value, position));
            ir.Emit(new BinaryOp(IrBinaryOp.And, bucket, bucket, new Imm(mask)));
            ir.Emit(new BinaryOp(IrBinaryOp.Add, position, position, new Imm(1)));
            ir.Emit(new BinaryOp(IrBinaryOp.Shl, position, position, new Imm(bits)));
            ir.Emit(new BinaryOp(IrBinaryOp.Add, bucket, bucket, position));
            ir.Emit(new BinaryOp(IrBinaryOp.Add, bucket, bucket, new Imm(1)));
        }
        ir.Goto(done);
        ir.Mark(negative);
        ir.Emit(new MoveOp(bucket, new Imm(0)));
        ir.Goto(done);
        ir.Mark(small);
        ir.Emit(new BinaryOp(IrBinaryOp.Add, bucket, value, new Imm(1)));
        ir.Mark(done);
        return bucket;
    }

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) =>
        throw new InvalidOperationException("histograms are read bucket by bucket");
}
