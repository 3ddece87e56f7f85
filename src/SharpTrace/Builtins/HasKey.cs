using SharpTrace.CodeGen;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Builtins;

/// <summary>
/// <c>has_key(@m, k)</c>: 1 when the map has an entry for the key, else 0. Looks the key up in the kernel, so it sees
/// exactly the entries that exist at that point of the program (a deleted or cleared entry is gone at once).
/// </summary>
internal sealed record BoundHasKey(TextSpan Span, MapSymbol Map, IReadOnlyList<BoundExpression> Keys)
    : BoundBuiltinCall(Span, BpfType.Int64)
{
    public const string Name = "has_key";

    internal override Lowering.Operand? Lower(Lowering.ProbeLowerer lowering) => lowering.LowerHasKey(Map, Keys);

    internal override void EmitScalar(ProbeEmitter emitter) => emitter.Scoped(() =>
    {
        if (Map.IsPerCpuArray)
        {
            emitter.EmitArrayHasKey(Map, Keys);
            return;
        }
        var key = emitter.EmitKey(Map, Keys);
        emitter.CallMap(HelperFunction.MapLookupElem, Map, key);
        var missing = emitter.Asm.NewLabel("has_key_missing");
        emitter.Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, missing);
        emitter.Asm.Mov(Reg.R0, 1);
        emitter.Asm.Mark(missing);
    });
}
