using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Avg))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary><c>avg(x)</c>: slot (total, count), printed as total / count.</summary>
internal sealed class Avg : TotalAndCount
{
    public override AggregationKind Kind => AggregationKind.Avg;

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) => new AvgValue(First(slot), (ulong)Second(slot));
}
