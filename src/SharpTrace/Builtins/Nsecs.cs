using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Nsecs))]
[assembly: BuiltinProvider(typeof(NsecsCall))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>nsecs</c>: nanoseconds since boot (CLOCK_MONOTONIC), as bpftrace 0.17 reads it; the newest bpftrace reads
/// CLOCK_BOOTTIME for the bare name, which <c>nsecs(boot)</c> gives here.
/// </summary>
internal sealed class Nsecs : BuiltinVariable
{
    public override string Name => "nsecs";
    public override BpfType Type => BpfType.UInt64;

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Call(HelperFunction.KtimeGetNs);
}

/// <summary>The clocks <c>nsecs(mode)</c> reads.</summary>
internal enum TimestampMode { Monotonic, Boot, Tai, SwTai }

/// <summary>
/// <c>nsecs(monotonic)</c>, <c>nsecs(boot)</c>, <c>nsecs(tai)</c>, <c>nsecs(sw_tai)</c>, <c>nsecs()</c>: a uint64
/// timestamp of CLOCK_MONOTONIC, CLOCK_BOOTTIME or CLOCK_TAI. <c>sw_tai</c> is CLOCK_BOOTTIME plus the difference
/// between TAI and boot time measured once when the script is compiled (bpftrace's "vdso sandwich").
/// </summary>
internal sealed class NsecsCall : BuiltinFunction
{
    private const int ClockBoottime = 7;
    private const int ClockTai = 11;

    public override string Name => "nsecs";

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (call.Arguments.Count == 0)
            return new BoundNsecs(call.Span, TimestampMode.Monotonic, 0);
        // The words are the newest bpftrace's (0.17 has no nsecs() function).
        if (call.Arguments[0] is not Identifier identifier)
        {
            var bound = context.Bind(call.Arguments[0]);
            if (bound.Type is not ErrorType)
                context.Diagnostics.Error(call.Span, $"{Name}() only supports timestamp_mode arguments ({KindName(bound.Type)} provided)");
            return context.Error(call.Span);
        }
        TimestampMode? mode = identifier.Name switch
        {
            "monotonic" => TimestampMode.Monotonic,
            "boot" => TimestampMode.Boot,
            "tai" => TimestampMode.Tai,
            "sw_tai" => TimestampMode.SwTai,
            _ => null,
        };
        if (mode is not { } known)
        {
            context.Diagnostics.Error(identifier.Span, $"Invalid timestamp mode: {identifier.Name}");
            return context.Error(call.Span);
        }
        return new BoundNsecs(call.Span, known, known == TimestampMode.SwTai ? TaiMinusBoot() : 0);
    }

    /// <summary>CLOCK_TAI minus CLOCK_BOOTTIME, the TAI reading taken between two boot-time readings.</summary>
    private static long TaiMinusBoot()
    {
        var before = Native.ClockNanoseconds(ClockBoottime);
        var tai = Native.ClockNanoseconds(ClockTai);
        var after = Native.ClockNanoseconds(ClockBoottime);
        return tai - (before + (after - before) / 2);
    }
}

/// <summary>A bound <c>nsecs(mode)</c>: the clock's helper; <c>sw_tai</c> adds <see cref="Offset"/> to boot time.</summary>
internal sealed record BoundNsecs(TextSpan Span, TimestampMode Mode, long Offset) : BoundBuiltinCall(Span, BpfType.UInt64)
{
    internal override Operand? Lower(ProbeLowerer lowering) => Mode switch
    {
        TimestampMode.Monotonic => lowering.Ir.Call(HelperFunction.KtimeGetNs),
        TimestampMode.Boot => lowering.Ir.Call(HelperFunction.KtimeGetBootNs),
        TimestampMode.Tai => lowering.Ir.Call(HelperFunction.KtimeGetTaiNs),
        _ => lowering.Ir.Binary(IrBinaryOp.Add, lowering.Ir.Call(HelperFunction.KtimeGetBootNs), new Imm(Offset)),
    };
}
