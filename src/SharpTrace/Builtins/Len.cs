using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Len))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>len(@m)</c>: the number of entries of a map with keys; <c>len(ustack)</c>, <c>len(kstack)</c>, <c>len($s)</c>:
/// the number of frames of a stack, as the newest bpftrace has them.
/// </summary>
internal sealed class Len : BuiltinFunction
{
    public override string Name => "len";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (call.Arguments[0] is MapAccess { IsScalar: true } access)
        {
            var map = context.Map(access.Name);
            if (map.IsScalar)
            {
                context.Diagnostics.Error(call.Span, "call to len() expects a map with explicit keys (non-scalar map)");
                return context.Error(call.Span);
            }
            return new BoundLen(call.Span, map);
        }
        var argument = context.Bind(call.Arguments[0]);
        if (argument is BoundErrorExpression)
            return argument;
        if (argument.Type is not StackType { IsDwarf: false })
        {
            context.Diagnostics.Error(call.Span, argument.Type is StackType
                ? "len() of a dw_ustack is not supported: its frames are only known in user space"
                : "call to len() expects a map, ustack, or kstack");
            return context.Error(call.Span);
        }
        // A stack taken right here is only walked for its depth; a stack value (a variable, a map's value) must carry it.
        if (argument is not BoundBuiltinVariable)
            context.CarryStackDepths();
        return new BoundStackLen(call.Span, argument);
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

/// <summary>
/// <c>len(stack)</c>: a stack taken right here is walked once more, only to count its frames; a stack value carries
/// its number of frames above its id (<see cref="StackType.IdBits"/>), or a negative id and no frames.
/// </summary>
internal sealed record BoundStackLen(TextSpan Span, BoundExpression Stack) : BoundBuiltinCall(Span, BpfType.Int64)
{
    internal override Lowering.Operand? Lower(Lowering.ProbeLowerer lowering)
    {
        if (Stack is BoundBuiltinVariable { Builtin: var taken } && StackBuiltin.LowerDepthOf(taken, lowering) is { } depth)
            return depth;
        var ir = lowering.Ir;
        var value = ir.NewSlot(8);
        lowering.LowerInto(Stack, value, 0, 8, padStrings: false);
        var frames = ir.NewRegister();
        ir.Emit(new Lowering.MoveOp(frames, new Lowering.Imm(0)));
        var done = ir.NewLabel("len_done");
        var low = ir.InRegister(ir.Load(new Lowering.SlotAddress(value), new Lowering.IrInt(4, IsSigned: true)));
        ir.Branch(Lowering.IrCondition.Slt, low, new Lowering.Imm(0), done);
        ir.Emit(new Lowering.MoveOp(frames, ir.Binary(Lowering.IrBinaryOp.Shr, low, new Lowering.Imm(StackType.IdBits))));
        ir.Mark(done);
        return frames;
    }
}
