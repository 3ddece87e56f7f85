using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpTrace.Kernel;
using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(SyscallName))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>syscall_name(n)</c>: the name of system call <c>n</c> ("read" for 0 on x86-64), "Unknown syscall" for a number
/// the table lacks, as the newest bpftrace words it. The probe sends the number; user space names it when it prints
/// it, with printf's <c>%s</c>, as a map key or value, in text and JSON (a string there).
/// </summary>
internal sealed class SyscallName : BuiltinFunction
{
    public override string Name => "syscall_name";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Int32);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (!SyscallTable.HasTable)
        {
            context.Diagnostics.Error(call.Span, $"{Name}() has no system call table for {RuntimeInformation.ProcessArchitecture} in this build");
            return context.Error(call.Span);
        }
        return new BoundNumberToName(call.Span, arguments[0]!, SyscallNameType.Instance);
    }
}

/// <summary>bpftrace's syscall name: the number in 8 bytes, printed as the system call's name.</summary>
internal sealed record SyscallNameType : SelfDecodingType
{
    public static readonly SyscallNameType Instance = new();

    public override int Size => 8;
    public override string ToString() => "syscall_name";

    // bpftrace reads the number as an int32.
    public override RuntimeValue Decode(ReadOnlySpan<byte> bytes) =>
        new StringValue(SyscallTable.NameOf(BinaryPrimitives.ReadInt32LittleEndian(bytes)) ?? "Unknown syscall");
}

/// <summary>A bound call that sends a number for user space to name (<c>syscall_name</c>, <c>signal_name</c>): 8 bytes.</summary>
internal sealed record BoundNumberToName(TextSpan Span, BoundExpression Number, SelfDecodingType Named) : BoundBuiltinCall(Span, Named)
{
    public override IReadOnlyList<BoundExpression> Operands => [Number];

    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        lowering.Ir.Store(new SlotAddress(slot, offset), 8, lowering.LowerScalar(Number));
        return true;
    }
}
