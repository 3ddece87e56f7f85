using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Strerror))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>strerror(n)</c>: the text of errno <c>n</c> ("No such file or directory"), as libc's strerror() words it. The
/// probe sends the number; user space turns it into text when it prints it, with printf's <c>%s</c>, as a map key or
/// value, in text and JSON (a string there).
/// </summary>
internal sealed class Strerror() : UnaryFunction("strerror", ParameterKind.Int32)
{
    protected override BoundExpression Bind(TextSpan span, BoundExpression argument) =>
        new BoundStrerror(span, argument);
}

/// <summary>
/// bpftrace's <c>strerror</c> type: the errno in 8 bytes, printed as its text. bpftrace reads it as an int32, so
/// <c>strerror(-1)</c> is "Unknown error -1", as libc says.
/// </summary>
internal sealed record ErrnoTextType : SelfDecodingType
{
    public static readonly ErrnoTextType Instance = new();

    public override int Size => 8;
    public override string ToString() => "strerror";

    public override RuntimeValue Decode(ReadOnlySpan<byte> bytes) =>
        new StringValue(Marshal.GetPInvokeErrorMessage(BinaryPrimitives.ReadInt32LittleEndian(bytes)));
}

/// <summary>A bound <c>strerror(n)</c>: the number, stored as 8 bytes for user space to name.</summary>
internal sealed record BoundStrerror(TextSpan Span, BoundExpression Errno) : BoundBuiltinCall(Span, ErrnoTextType.Instance)
{
    public override IReadOnlyList<BoundExpression> Operands => [Errno];

    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        lowering.Ir.Store(new SlotAddress(slot, offset), 8, lowering.LowerScalar(Errno));
        return true;
    }
}
