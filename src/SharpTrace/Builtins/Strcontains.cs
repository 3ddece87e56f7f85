using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Strcontains))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>strcontains(haystack, needle)</c>: 1 when <c>needle</c> occurs in <c>haystack</c> (an empty needle always does),
/// 0 otherwise. The newest bpftrace types it bool; until this build has booleans it is an int64 here.
/// </summary>
internal sealed class Strcontains : BuiltinFunction
{
    public override string Name => "strcontains";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Any, ParameterKind.Any);

    // The message was produced by bpftrace 0.17 for the same call.
    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        foreach (var text in arguments)
        {
            if (text!.Type is StringType)
                continue;
            context.Diagnostics.Error(call.Span, $"{Name}() only supports string arguments ({KindName(text.Type)} provided)");
            return context.Error(call.Span);
        }
        return new BoundStrcontains(call.Span, arguments[0]!, arguments[1]!);
    }
}

/// <summary>
/// A bound <c>strcontains(h, n)</c>: the haystack on the stack, tried at every offset, unrolled. A literal needle is
/// compared as constants; another needle is read from its own buffer up to its NUL.
/// </summary>
internal sealed record BoundStrcontains(TextSpan Span, BoundExpression Haystack, BoundExpression Needle)
    : BoundBuiltinCall(Span, BoolType.Instance)
{
    public override IReadOnlyList<BoundExpression> Operands => [Haystack, Needle];

    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var ir = lowering.Ir;
        var size = Haystack.Type.Size;
        var haystack = ir.NewSlot(size);
        lowering.LowerInto(Haystack, haystack, 0, size, padStrings: false);
        var result = ir.NewRegister();
        var found = ir.NewLabel("contains_yes");
        var missing = ir.NewLabel("contains_no");
        var end = ir.NewLabel("contains_end");
        if (Needle is BoundStringLiteral literal)
            LowerLiteralSearch(ir, haystack, size, literal.Bytes, found, missing);
        else
            LowerSearch(lowering, haystack, size, found, missing);
        ir.Mark(found);
        ir.Emit(new MoveOp(result, new Imm(1)));
        ir.Goto(end);
        ir.Mark(missing);
        ir.Emit(new MoveOp(result, new Imm(0)));
        ir.Mark(end);
        return result;
    }

    private static void LowerLiteralSearch(IrBuilder ir, Slot haystack, int size, byte[] needle, IrLabel found, IrLabel missing)
    {
        if (needle.Length == 0)
        {
            ir.Goto(found);
            return;
        }
        // The needle has no NUL, so a mismatch also stops at the haystack's end.
        for (var start = 0; start + needle.Length <= size; start++)
        {
            var next = ir.NewLabel("contains_next");
            ir.Branch(IrCondition.Eq, ir.Load(new SlotAddress(haystack, start), new IrInt(1, false)), new Imm(0), missing);
            for (var j = 0; j < needle.Length; j++)
                ir.Branch(IrCondition.Ne, ir.Load(new SlotAddress(haystack, start + j), new IrInt(1, false)), new Imm(needle[j]), next);
            ir.Goto(found);
            ir.Mark(next);
        }
        ir.Goto(missing);
    }

    private void LowerSearch(ProbeLowerer lowering, Slot haystack, int size, IrLabel found, IrLabel missing)
    {
        var ir = lowering.Ir;
        var needleSize = Needle.Type.Size;
        var needle = ir.NewSlot(needleSize);
        lowering.LowerInto(Needle, needle, 0, needleSize, padStrings: false);
        ir.Branch(IrCondition.Eq, ir.Load(new SlotAddress(needle, 0), new IrInt(1, false)), new Imm(0), found);
        for (var start = 0; start < size; start++)
        {
            var next = ir.NewLabel("contains_next");
            ir.Branch(IrCondition.Eq, ir.Load(new SlotAddress(haystack, start), new IrInt(1, false)), new Imm(0), missing);
            for (var j = 0; j < needleSize && start + j < size; j++)
            {
                var wanted = ir.Load(new SlotAddress(needle, j), new IrInt(1, false));
                ir.Branch(IrCondition.Eq, wanted, new Imm(0), found);
                ir.Branch(IrCondition.Ne, ir.Load(new SlotAddress(haystack, start + j), new IrInt(1, false)), wanted, next);
            }
            // The haystack's buffer ended inside the needle: it matched only if the needle ends there too.
            if (start + needleSize > size)
                ir.Branch(IrCondition.Eq, ir.Load(new SlotAddress(needle, size - start), new IrInt(1, false)), new Imm(0), found);
            else
                ir.Goto(found);
            ir.Goto(next);
            ir.Mark(next);
        }
        ir.Goto(missing);
    }
}
