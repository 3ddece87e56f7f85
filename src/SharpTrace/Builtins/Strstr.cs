using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Strstr))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>strstr(haystack, needle)</c>: the index of the first occurrence of <c>needle</c> in <c>haystack</c>, -1 when there
/// is none, an int64, as the newest bpftrace's string library defines it; an empty needle is found at 0. Both are
/// string-like: strings, arrays of 1-byte integers, or pointers to them (whose string is read, as <c>str(p)</c>).
/// </summary>
internal sealed class Strstr : BuiltinFunction
{
    public override string Name => "strstr";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var haystack = StringLike.AsValue(call.Arguments[0], call.Span, context);
        var needle = StringLike.AsValue(call.Arguments[1], call.Span, context);
        if (haystack is null || needle is null)
            return context.Error(call.Span);
        return new BoundStrstr(call.Span, haystack, needle);
    }
}

/// <summary>A bound <c>strstr(h, n)</c>: the search strcontains makes, keeping the offset being tried.</summary>
internal sealed record BoundStrstr(TextSpan Span, BoundExpression Haystack, BoundExpression Needle)
    : BoundBuiltinCall(Span, BpfType.Int64)
{
    public override IReadOnlyList<BoundExpression> Operands => [Haystack, Needle];

    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var ir = lowering.Ir;
        var size = Haystack.Type.Size;
        var haystack = ir.NewSlot(size);
        lowering.LowerInto(Haystack, haystack, 0, size, padStrings: false);
        var result = ir.NewRegister();
        var found = ir.NewLabel("strstr_found");
        var missing = ir.NewLabel("strstr_missing");
        void AtStart(Operand start) => ir.Emit(new MoveOp(result, start));
        if (Needle is BoundStringLiteral literal)
            StringSearch.LowerLiteral(lowering, haystack, size, literal.Bytes, found, missing, AtStart);
        else
            StringSearch.Lower(lowering, haystack, size, Needle, found, missing, AtStart);
        ir.Mark(missing);
        ir.Emit(new MoveOp(result, new Imm(-1)));
        ir.Mark(found);
        return result;
    }
}
