using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Buf))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>buf(p, n)</c>, <c>buf(array)</c>: <c>n</c> raw bytes from the address <c>p</c> (or a string or array value),
/// printed by printf's <c>%r</c> with bytes outside printable ASCII as <c>\xNN</c>. As in bpftrace 0.17, at most
/// max_strlen bytes are kept (a longer literal length warns), and a length that is not a literal is cut to that at
/// run time.
/// </summary>
internal sealed class Buf : BuiltinFunction
{
    public override string Name => "buf";

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Any, ParameterKind.Any);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var source = arguments[0]!;
        var length = arguments.Count == 2 ? arguments[1] : null;

        var isArray = source.Type is CValueType { CType.Resolved: Semantics.CTypes.CArrayType };
        var isValue = isArray || source.Type is StringType;
        var ok = true;
        if (!isValue && source.Type is not (IntegerType or PointerType))
        {
            context.Diagnostics.Error(call.Span, $"{Name}() expects an integer, string, or array argument but saw {KindName(source.Type)}");
            ok = false;
        }
        var max = context.Config.MaxStrlen;
        var capacity = max;
        if (length is null)
        {
            if (isArray)
                capacity = source.Type.Size;
            else
            {
                context.Diagnostics.Error(call.Span, $"{Name}() expects a length argument for non-array type {KindName(source.Type)}");
                ok = false;
            }
        }
        else if (length.Type is not IntegerType)
        {
            context.Diagnostics.Error(call.Span, $"{Name}() only supports int arguments ({KindName(length.Type)} provided)");
            ok = false;
        }
        else if (length is BoundIntegerLiteral literal)
        {
            capacity = (int)Math.Clamp(literal.Value, 0, int.MaxValue);
        }
        if (!ok)
            return context.Error(call.Span);
        if (capacity > max)
        {
            context.Diagnostics.Warning(call.Span, $"{Name}() length is too long and will be shortened to {max} bytes (see BPFTRACE_STRLEN)");
            capacity = max;
        }
        // A string or array value has no more bytes than its own.
        if (isValue)
            capacity = Math.Min(capacity, source.Type.Size);
        var runtimeLength = length is BoundIntegerLiteral ? null : length;
        var fromUser = source.Type is PointerType p ? p.IsUserSpace : context.ProbeKind.Context.ReadsUserMemory;
        return new BoundBuf(call.Span, source, runtimeLength, fromUser, new BufferType(capacity));
    }
}

/// <summary>
/// A bound <c>buf</c>: the length (8 bytes) then the bytes. <see cref="Length"/> is the length expression when it is
/// not a literal (clamped to the capacity at run time); otherwise the length is the capacity.
/// </summary>
internal sealed record BoundBuf(TextSpan Span, BoundExpression Source, BoundExpression? Length, bool FromUserSpace, BufferType BufferType)
    : BoundBuiltinCall(Span, BufferType)
{
    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        var ir = lowering.Ir;
        var capacity = BufferType.Capacity;
        var data = offset + BufferType.DataOffset;
        Operand length = new Imm(capacity);
        if (Length is null)
            ir.Zero(slot, data + capacity, BufferType.Size - BufferType.DataOffset - capacity);
        else
        {
            // Bytes past a shorter run-time length stay zero; the length is clamped to [0, capacity] (unsigned: a
            // negative length is too long) so the verifier sees a bounded size.
            ir.Zero(slot, data, BufferType.Size - BufferType.DataOffset);
            var clamped = ir.InRegister(lowering.LowerScalar(Length));
            var ok = ir.NewLabel("buf_len_ok");
            ir.Branch(IrCondition.Le, clamped, new Imm(capacity), ok);
            ir.Emit(new MoveOp(clamped, new Imm(capacity)));
            ir.Mark(ok);
            length = clamped;
        }
        ir.Store(new SlotAddress(slot, offset), 8, length);
        if (Source.Type is IntegerType or PointerType)
        {
            var source = lowering.LowerScalar(Source);
            ir.CallVoid(FromUserSpace ? HelperFunction.ProbeReadUser : HelperFunction.ProbeReadKernel, new StackAddress(slot, data), length, source);
        }
        else if (Source is BoundMemoryRead)
        {
            // An array or char array in memory is read straight into the buffer, no more than its capacity.
            lowering.LowerInto(Source, slot, data, capacity, padStrings: false);
        }
        else
        {
            // Strings on the stack or in maps (literals, comm, variables) are built whole, then their first bytes copied.
            var whole = ir.NewSlot(Source.Type.Size);
            lowering.LowerInto(Source, whole, 0, Source.Type.Size, padStrings: true);
            ir.Copy(new SlotAddress(slot, data), new SlotAddress(whole), capacity);
        }
        return true;
    }
}
