using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Macaddr))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>macaddr(mac)</c>: six bytes of a MAC address, from an array (its first six bytes) or read through a pointer,
/// printed as bpftrace prints them: <c>18:C0:4D:08:2E:BB</c>, with printf's <c>%s</c>, as a map key or value, in text
/// and JSON.
/// </summary>
internal sealed class Macaddr : BuiltinFunction
{
    public const int Length = 6;

    public override string Name => "macaddr";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Any);

    // The messages are bpftrace 0.17's for the same calls.
    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var mac = arguments[0]!;
        if (call.Arguments[0] is StringLiteral)
        {
            if (mac.Type.Size != Length)
                context.Diagnostics.Error(call.Span, $"{Name}() argument must be {Length} bytes in size");
            context.Diagnostics.Error(call.Span, $"{Name}() does not support literal string arguments");
            return context.Error(call.Span);
        }
        switch (mac.Type)
        {
            case StringType or CValueType { CType.Resolved: Semantics.CTypes.CArrayType } when mac.Type.Size < Length:
                context.Diagnostics.Error(call.Span, $"{Name}() argument must be {Length} bytes in size");
                return context.Error(call.Span);
            case StringType or CValueType { CType.Resolved: Semantics.CTypes.CArrayType }:
                return new BoundMacaddr(call.Span, mac, User: false);
            case PointerType pointer:
                return new BoundMacaddr(call.Span, mac, pointer.IsUserSpace);
            case IntegerType:
                return new BoundMacaddr(call.Span, mac, context.ProbeKind.Context.ReadsUserMemory);
            default:
                context.Diagnostics.Error(call.Span, $"{Name}() only supports array or pointer arguments ({KindName(mac.Type)} provided)");
                return context.Error(call.Span);
        }
    }
}

/// <summary>bpftrace's <c>mac_address</c> type: six bytes, printed as upper-case hex pairs joined by colons.</summary>
internal sealed record MacAddressType : SelfDecodingType
{
    public static readonly MacAddressType Instance = new();

    public override int Size => Macaddr.Length;
    public override int Alignment => 1;
    public override string ToString() => "mac_address";

    public override RuntimeValue Decode(ReadOnlySpan<byte> bytes) =>
        new StringValue(string.Join(':', bytes[..Macaddr.Length].ToArray().Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))));
}

/// <summary>A bound <c>macaddr(mac)</c>: an array's first six bytes copied, or six bytes read through the address.</summary>
internal sealed record BoundMacaddr(TextSpan Span, BoundExpression Mac, bool User) : BoundBuiltinCall(Span, MacAddressType.Instance)
{
    public override IReadOnlyList<BoundExpression> Operands => [Mac];

    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        var ir = lowering.Ir;
        if (Mac.Type.IsInteger)
        {
            ir.Zero(slot, offset, Macaddr.Length);
            ir.CallVoid(User ? HelperFunction.ProbeReadUser : HelperFunction.ProbeReadKernel,
                new StackAddress(slot, offset), new Imm(Macaddr.Length), lowering.LowerScalar(Mac));
            return true;
        }
        var bytes = ir.NewSlot(Mac.Type.Size);
        lowering.LowerInto(Mac, bytes, 0, Mac.Type.Size, padStrings: false);
        ir.Copy(new SlotAddress(slot, offset), new SlotAddress(bytes), Macaddr.Length);
        return true;
    }
}
