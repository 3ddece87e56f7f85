using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;

[assembly: BuiltinProvider(typeof(Count))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary><c>count()</c>: how many times it ran.</summary>
internal sealed class Count : AggregationFunction
{
    public override AggregationKind Kind => AggregationKind.Count;

    internal override AggregationType? Bind(CallExpression call, IReadOnlyList<BoundExpression> arguments, DiagnosticBag diagnostics)
    {
        if (arguments.Count == 0)
            return new AggregationType(Kind);
        diagnostics.ReportWrongArgumentCount(call.Span, Name, 0, arguments.Count);
        return null;
    }


    public override void LowerUpdate(IrBuilder ir, Address slot, Operand value) => LowerIncrement(ir, slot, 0);

    public override void LowerFirst(IrBuilder ir, Slot slot, Operand value) => ir.Store(new SlotAddress(slot), 8, new Imm(1));

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) => new CountValue((ulong)First(slot));
}
