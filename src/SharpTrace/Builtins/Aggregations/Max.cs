using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Max))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary><c>max(x)</c>: the largest of its arguments.</summary>
internal sealed class Max : Extremum
{
    public override AggregationKind Kind => AggregationKind.Max;
    protected override IrCondition Beats => IrCondition.Sgt;
    protected override RuntimeValue Value(long value) => new MaxValue(value);
}
