using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Usym))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>usym(addr)</c>: the name of the function holding a user address of the current process, resolved in user
/// space through the process's mappings (so only while the process lives).
/// </summary>
internal sealed class Usym() : UnaryFunction("usym", ParameterKind.IntegerOrPointer)
{
    protected override BoundExpression Bind(TextSpan span, BoundExpression argument) =>
        new BoundUsym(span, argument);
}

/// <summary>
/// A bound <c>usym(addr)</c>, or the instruction pointer of a uprobe's context when <see cref="Address"/> is null
/// (<c>func</c>): the address (8 bytes), the pid (4), and the tag of a function name user space knows (4; 0 for none,
/// <see cref="UserFunctionNameAction"/>), where the newest bpftrace keeps its probe id.
/// </summary>
internal sealed record BoundUsym(TextSpan Span, BoundExpression? Address, int FunctionTag = 0) : BoundBuiltinCall(Span, UserSymbolType.Instance)
{
    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        var ir = lowering.Ir;
        ir.Store(new SlotAddress(slot, offset), 8, lowering.LowerScalar(Address ?? new BoundInstructionPointer(Span)));
        var pid = ir.Binary(IrBinaryOp.Shr, ir.Call(HelperFunction.GetCurrentPidTgid), new Imm(32));
        ir.Store(new SlotAddress(slot, offset + 8), 8, pid);
        if (FunctionTag != 0)
            ir.Store(new SlotAddress(slot, offset + 12), 4, new Imm(FunctionTag));
        return true;
    }
}
