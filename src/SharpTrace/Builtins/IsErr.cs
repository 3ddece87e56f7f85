using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(IsErr))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>is_err(ptr)</c>: 1 when the pointer (or integer) is an ERR_PTR, a value from -4095 to -1 (the kernel's IS_ERR()),
/// 0 otherwise. The newest bpftrace types it bool; until this build has booleans it is an int64 here.
/// </summary>
internal sealed class IsErr : BuiltinFunction
{
    /// <summary>The kernel's MAX_ERRNO: ERR_PTR values are -MAX_ERRNO to -1.</summary>
    private const long MaxErrno = 4095;

    public override string Name => "is_err";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.IntegerOrPointer);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context) =>
        new BoundIsErr(call.Span, arguments[0]!);

    /// <summary>A bound <c>is_err(ptr)</c>: (u64)ptr &gt;= (u64)-4095.</summary>
    private sealed record BoundIsErr(TextSpan Span, BoundExpression Pointer) : BoundBuiltinCall(Span, BoolType.Instance)
    {
        public override IReadOnlyList<BoundExpression> Operands => [Pointer];

        internal override Operand? Lower(ProbeLowerer lowering)
        {
            var ir = lowering.Ir;
            var value = lowering.LowerScalar(Pointer);
            if (Pointer.Type is IntegerType { Bytes: < 8, IsSigned: false })
                return new Imm(0); // a narrow unsigned value is never negative as an int64
            var result = ir.NewRegister();
            var no = ir.NewLabel("is_err_no");
            var end = ir.NewLabel("is_err_end");
            ir.Branch(IrCondition.Lt, value, new Imm(-MaxErrno), no);
            ir.Emit(new MoveOp(result, new Imm(1)));
            ir.Goto(end);
            ir.Mark(no);
            ir.Emit(new MoveOp(result, new Imm(0)));
            ir.Mark(end);
            return result;
        }
    }
}
