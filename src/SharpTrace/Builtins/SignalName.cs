using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(SignalName))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>signal_name(sig)</c>: the description of signal <c>sig</c> as strsignal(3) words it ("Interrupt" for 2), "N/A"
/// outside 0..64, as the newest bpftrace prints it. The probe sends the number; user space names it when it prints it.
/// </summary>
internal sealed class SignalName : BuiltinFunction
{
    public override string Name => "signal_name";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Int32);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context) =>
        new BoundNumberToName(call.Span, arguments[0]!, SignalNameType.Instance);
}

/// <summary>bpftrace's signal name: the number in 8 bytes, printed as libc's description of the signal.</summary>
internal sealed partial record SignalNameType : SelfDecodingType
{
    public static readonly SignalNameType Instance = new();

    /// <summary>The highest signal the newest bpftrace names (SIGRTMAX on Linux).</summary>
    private const int LastSignal = 64;

    public override int Size => 8;
    public override string ToString() => "signal_name";

    // bpftrace reads the number as an int32.
    public override RuntimeValue Decode(ReadOnlySpan<byte> bytes) =>
        new StringValue(Describe(BinaryPrimitives.ReadInt32LittleEndian(bytes)));

    internal static string Describe(int signal) =>
        signal is < 0 or > LastSignal ? "N/A" : Marshal.PtrToStringUTF8(StrSignal(signal)) ?? "N/A";

    [LibraryImport("libc", EntryPoint = "strsignal")]
    private static partial nint StrSignal(int signal);
}
