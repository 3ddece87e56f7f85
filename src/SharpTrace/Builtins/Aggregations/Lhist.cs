using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Lhist))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary>
/// <c>lhist(x, min, max, step)</c>: a linear histogram with an underflow and an overflow bucket. One map entry per
/// bucket, keyed by (key, bucket index); the bucket math is <see cref="Histogram.LinearBucket"/>.
/// </summary>
internal sealed class Lhist : AggregationFunction
{
    /// <summary>bpftrace's limit on the number of in-range buckets.</summary>
    public const int MaxBuckets = 1000;

    public override AggregationKind Kind => AggregationKind.Lhist;

    internal override AggregationType? Bind(CallExpression call, IReadOnlyList<BoundExpression> arguments, DiagnosticBag diagnostics)
    {
        if (arguments.Count != 4)
        {
            diagnostics.ReportWrongArgumentCount(call.Span, Name, 4, arguments.Count);
            return null;
        }
        if (!RequireInteger(call, arguments[0], diagnostics))
            return null;
        if (RequireLiteral(call, 1, arguments, diagnostics) is not { } min
            || RequireLiteral(call, 2, arguments, diagnostics) is not { } max
            || RequireLiteral(call, 3, arguments, diagnostics) is not { } step)
            return null;
        // Checked as bpftrace checks them, with its wording: the first three all reported, the rest only after.
        var problems = new List<string>();
        if (step < 1)
            problems.Add($"lhist() step must be >= 1 ({step} provided)");
        if (min < 0)
            problems.Add($"lhist() min must be non-negative (provided min {min})");
        if (min > max)
            problems.Add($"lhist() min must be less than max (provided min {min} and max {max})");
        if (problems.Count == 0 && max - min < step)
            problems.Add($"lhist() step is too large for the given range (provided step {step} for range {max - min})");
        else if (problems.Count == 0 && (max - min) / step > MaxBuckets)
            problems.Add($"lhist() too many buckets, must be <= {MaxBuckets} (would need {(max - min) / step})");
        foreach (var problem in problems)
            diagnostics.Error(call.Span, problem);
        if (problems.Count > 0)
            return null;
        return new AggregationType(Kind) { Min = min, Max = max, Step = step };
    }

    public override void LowerUpdate(IrBuilder ir, Address slot, Operand value) => LowerIncrement(ir, slot, 0);

    public override void LowerFirst(IrBuilder ir, Slot slot, Operand value) => ir.Store(new SlotAddress(slot), 8, new Imm(1));

    /// <summary>The bucket of the signed value in IR, as <see cref="Histogram.LinearBucket"/> computes it.</summary>
    public override Operand LowerBucket(IrBuilder ir, Operand value, AggregationType type)
    {
        var bucket = ir.NewRegister();
        var below = ir.NewLabel("lhist_below");
        var above = ir.NewLabel("lhist_above");
        var done = ir.NewLabel("lhist_done");
        ir.Branch(IrCondition.Slt, value, new Imm(type.Min), below);
        ir.Branch(IrCondition.Sgt, value, new Imm(type.Max), above);
        ir.Emit(new BinaryOp(IrBinaryOp.Sub, bucket, value, new Imm(type.Min)));
        ir.Emit(new BinaryOp(IrBinaryOp.Div, bucket, bucket, new Imm(type.Step)));
        ir.Emit(new BinaryOp(IrBinaryOp.Add, bucket, bucket, new Imm(1)));
        ir.Goto(done);
        ir.Mark(below);
        ir.Emit(new MoveOp(bucket, new Imm(0)));
        ir.Goto(done);
        ir.Mark(above);
        ir.Emit(new MoveOp(bucket, new Imm(1 + (type.Max - type.Min) / type.Step)));
        ir.Mark(done);
        return bucket;
    }

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) =>
        throw new InvalidOperationException("histograms are read bucket by bucket");
}
