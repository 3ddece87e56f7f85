using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Ntop))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>ntop([af,] addr)</c>: an internet address, printed as text in user space. <c>addr</c> is an integer (its low
/// 4 bytes, as they lie in memory: IPv4 in network order), or a 4- or 16-byte array or string, <c>pton</c>'s bytes
/// included (<c>ntop(pton("::1"))</c>). Without <c>af</c>,
/// integers and 4-byte arrays are AF_INET and 16-byte arrays AF_INET6; with it, the family is whatever it says
/// (bpftrace prints nothing for a family other than AF_INET and AF_INET6).
/// </summary>
internal sealed class Ntop : BuiltinFunction
{
    public const int AfInet = 2;
    public const int AfInet6 = 10;

    public override string Name => "ntop";

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Any, ParameterKind.Any);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var family = arguments.Count == 2 ? arguments[0] : null;
        if (family is not null && family.Type is not IntegerType)
        {
            context.Diagnostics.Error(call.Span, $"{Name}() only supports int arguments ({KindName(family.Type)} provided)");
            return context.Error(call.Span);
        }
        var address = arguments[^1]!;
        var isArray = address.Type is StringType or CValueType { CType.Resolved: Semantics.CTypes.CArrayType };
        if (address.Type is not IntegerType && !isArray)
        {
            context.Diagnostics.Error(call.Span, $"{Name}() expects an integer or array argument, got {KindName(address.Type)}");
            return context.Error(call.Span);
        }
        if (isArray && address.Type.Size is not (4 or 16))
        {
            context.Diagnostics.Error(call.Span, $"{Name}() argument must be 4 or 16 bytes in size");
            return context.Error(call.Span);
        }
        return new BoundNtop(call.Span, family, address);
    }
}

/// <summary>A bound <c>ntop</c>: the family (8 bytes) then the address bytes (16, zero-padded), as <see cref="InetType"/> lays them out.</summary>
internal sealed record BoundNtop(TextSpan Span, BoundExpression? Family, BoundExpression Address) : BoundBuiltinCall(Span, InetType.Instance)
{
    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        var ir = lowering.Ir;
        Operand family = Family is null
            ? new Imm(Address.Type is IntegerType || Address.Type.Size == 4 ? Ntop.AfInet : Ntop.AfInet6)
            : lowering.LowerScalar(Family);
        ir.Store(new SlotAddress(slot, offset), 8, family);
        var address = offset + InetType.AddressOffset;
        var written = Address.Type is IntegerType ? 4 : Address.Type.Size;
        if (Address.Type is IntegerType)
            ir.Store(new SlotAddress(slot, address), 4, lowering.LowerScalar(Address));
        else
            lowering.LowerInto(Address, slot, address, written, padStrings: false);
        ir.Zero(slot, address + written, InetType.Instance.Size - InetType.AddressOffset - written);
        return true;
    }
}
