using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Strlen))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>strlen(s)</c>: the length of a string-like value, a uint64, as the newest bpftrace's string library defines it:
/// a string up to its NUL or its capacity, an array of 1-byte integers up to its NUL or its length, and a pointer to
/// 1-byte integers up to its NUL or <c>max_strlen</c> bytes (read from the pointer's address space).
/// </summary>
internal sealed class Strlen : BuiltinFunction
{
    public override string Name => "strlen";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Any);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var text = arguments[0]!;
        switch (text.Type)
        {
            case StringType:
            case CValueType { CType.Resolved: CArrayType { Element.Resolved: CIntegerType { Size: 1 } } }:
                return new BoundStrlen(call.Span, text, null);
            case PointerType { Target.Resolved: CIntegerType { Size: 1 }, IsUserSpace: var user }:
                return new BoundStrlen(call.Span, text, (context.Config.MaxStrlen, user));
            case PointerType or CValueType { CType.Resolved: CArrayType }:
                // The newest reference's static_assert messages.
                context.Diagnostics.Error(call.Span, text.Type is PointerType
                    ? "string-like pointers must point to a char-like type"
                    : "string-like arrays must contain a char-like type");
                return context.Error(call.Span);
            default:
                context.Diagnostics.Error(call.Span, "string-like values must be either strings, arrays or pointers");
                return context.Error(call.Span);
        }
    }
}

/// <summary>
/// A bound <c>strlen(s)</c>. A string or array is copied to the stack and scanned for its NUL in a loop; a pointer's
/// bytes are read with bpf_probe_read_{user,kernel}_str into <c>max_strlen + 1</c> bytes, whose count, less the NUL,
/// is the length.
/// </summary>
internal sealed record BoundStrlen(TextSpan Span, BoundExpression Text, (int MaxStrlen, bool IsUser)? Pointer)
    : BoundBuiltinCall(Span, BpfType.UInt64)
{
    public override IReadOnlyList<BoundExpression> Operands => [Text];

    internal override Operand? Lower(ProbeLowerer lowering)
    {
        var ir = lowering.Ir;
        var result = ir.NewRegister();
        if (Pointer is { } pointer)
        {
            var buffer = ir.NewSlot(pointer.MaxStrlen + 1);
            var read = ir.Call(pointer.IsUser ? HelperFunction.ProbeReadUserStr : HelperFunction.ProbeReadKernelStr,
                new StackAddress(buffer), new Imm(pointer.MaxStrlen + 1), lowering.LowerScalar(Text));
            var failed = ir.NewLabel("strlen_failed");
            var done = ir.NewLabel("strlen_done");
            ir.Branch(IrCondition.Sle, read, new Imm(0), failed);
            ir.Emit(new MoveOp(result, ir.Binary(IrBinaryOp.Sub, read, new Imm(1))));
            ir.Goto(done);
            ir.Mark(failed);
            ir.Emit(new MoveOp(result, new Imm(0)));
            ir.Mark(done);
            return result;
        }
        var size = Text.Type.Size;
        var slot = ir.NewSlot(size);
        lowering.LowerInto(Text, slot, 0, size, padStrings: false);
        if (size == 0)
            return new Imm(0);
        return ByteLoop.Run(lowering, ir, "strlen", "", size, [new StackAddress(slot)], [], new Imm(size),
            loop => loop.StopIf(IrCondition.Eq, loop.Byte(0), new Imm(0), loop.Index));
    }
}
