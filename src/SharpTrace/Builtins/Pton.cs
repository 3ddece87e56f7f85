using System.Net;
using System.Net.Sockets;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Pton))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>pton("1.2.3.4")</c>, <c>pton("::1")</c>: the address's bytes in network order, converted when the script is
/// compiled (4 for IPv4, 16 for IPv6: the family is chosen by a '.' or ':' in the text, as bpftrace does), printed as
/// bpftrace prints a uint8 array: <c>[1,2,3,4]</c>.
/// </summary>
internal sealed class Pton : BuiltinFunction
{
    public override string Name => "pton";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax);

    // The messages are bpftrace 0.17's for the same calls.
    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var text = call.Arguments[0] is StringLiteral literal ? literal.Value : null;
        if (text is null || (!text.Contains('.') && !text.Contains(':')))
        {
            context.Diagnostics.Error(call.Span, $"{Name}() expects an string argument of an IPv4/IPv6 address, got {text}");
            return context.Error(call.Span);
        }
        if (Parse(text) is not { } bytes)
        {
            context.Diagnostics.Error(call.Span, $"{Name}() expects a valid IPv4/IPv6 address, got {text}");
            return context.Error(call.Span);
        }
        return new BoundPton(call.Span, bytes);
    }

    /// <summary>The address's bytes as inet_pton(3) gives them; null when it would refuse the text.</summary>
    internal static byte[]? Parse(string text)
    {
        if (text.Contains(':'))
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && v6.ScopeId == 0 && !text.Contains('%')
                ? v6.GetAddressBytes()
                : null;
        // inet_pton takes exactly four decimal numbers up to 255, without leading zeros (IPAddress.Parse is laxer).
        var parts = text.Split('.');
        if (parts.Length != 4)
            return null;
        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0') || int.Parse(part) > 255)
                return null;
            bytes[i] = (byte)int.Parse(part);
        }
        return bytes;
    }
}

/// <summary>A bound <c>pton(text)</c>: constant bytes, filled in place.</summary>
/// <remarks>
/// Its value is an array of 4 or 16 uint8 like any other (printed <c>[1,2,3,4]</c> in text and JSON), so it casts to an
/// integer (<c>(uint32)pton("127.0.0.1")</c>, the reference's "Array Casts" example), is indexed and compared.
/// </remarks>
internal sealed record BoundPton(TextSpan Span, byte[] Bytes)
    : BoundBuiltinCall(Span, new CValueType(new Semantics.CTypes.CArrayType(new Semantics.CTypes.CIntegerType("uint8", 1, false), Bytes.Length), false))
{
    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        lowering.Ir.Fill(slot, offset, Bytes[..Math.Min(size, Bytes.Length)]);
        return true;
    }
}
