using SharpTrace.CodeGen;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Builtins;

/// <summary>
/// <c>len(@m)</c>: the number of entries of the map now. bpf_for_each_map_elem returns how many elements it visited,
/// so a callback that only says "continue" counts them; a per-CPU map is visited once per key, not once per CPU.
/// </summary>
internal sealed record BoundLen(TextSpan Span, MapSymbol Map) : BoundBuiltinCall(Span, BpfType.Int64)
{
    public const string Name = "len";

    internal override Lowering.Operand? Lower(Lowering.ProbeLowerer lowering) => lowering.LowerLen(Map);

    internal override void EmitScalar(ProbeEmitter emitter)
    {
        if (Map.IsPerCpuArray)
        {
            emitter.EmitArrayLen(Map);
            return;
        }
        emitter.EmitMapWalk(Map, emitter.ContinueCallback);
    }
}
