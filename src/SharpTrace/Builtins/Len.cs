using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Len))]

namespace SharpTrace.Builtins;

/// <summary><c>len(@m)</c>: the number of entries of the map.</summary>
internal sealed class Len : BuiltinFunction
{
    public override string Name => "len";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (call.Arguments[0] is not MapAccess { IsScalar: true } access)
        {
            context.Diagnostics.Error(call.Arguments[0].Span, "len() expects a map argument, such as len(@m)");
            return context.Error(call.Span);
        }
        return new BoundLen(call.Span, context.Map(access.Name));
    }
}

/// <summary>
/// <c>len(@m)</c>: the number of entries of the map now. bpf_for_each_map_elem returns how many elements it visited,
/// so a callback that only says "continue" counts them; a per-CPU map is visited once per key, not once per CPU.
/// </summary>
internal sealed record BoundLen(TextSpan Span, MapSymbol Map) : BoundBuiltinCall(Span, BpfType.Int64)
{
    internal override Lowering.Operand? Lower(Lowering.ProbeLowerer lowering) => lowering.LowerLen(Map);
}
