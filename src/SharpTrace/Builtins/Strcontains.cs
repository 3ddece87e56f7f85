using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Strcontains))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>strcontains(haystack, needle)</c>: true when <c>needle</c> occurs in <c>haystack</c> (an empty needle always does),
/// false otherwise: a bool, as the newest bpftrace types it (bpftrace 0.17: an int64 1/0).
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
/// A bound <c>strcontains(h, n)</c>: the haystack on the stack, tried at every offset in a loop. A literal needle is
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
            StringSearch.LowerLiteral(lowering, haystack, size, literal.Bytes, found, missing, _ => { });
        else
            StringSearch.Lower(lowering, haystack, size, Needle, found, missing, _ => { });
        ir.Mark(found);
        ir.Emit(new MoveOp(result, new Imm(1)));
        ir.Goto(end);
        ir.Mark(missing);
        ir.Emit(new MoveOp(result, new Imm(0)));
        ir.Mark(end);
        return result;
    }
}
