using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Min))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary><c>min(x)</c>: the smallest of its arguments.</summary>
internal sealed class Min : Extremum
{
    public override AggregationKind Kind => AggregationKind.Min;
    protected override IrCondition Beats => IrCondition.Slt;
    protected override RuntimeValue Value(long value) => new MinValue(value);
}
