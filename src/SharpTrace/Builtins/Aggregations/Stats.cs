using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Stats))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary><c>stats(x)</c>: slot (total, count), printed as count, average and total.</summary>
internal sealed class Stats : TotalAndCount
{
    public override AggregationKind Kind => AggregationKind.Stats;

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) => new StatsValue((ulong)Second(slot), First(slot));
}
