using SharpTrace.CodeGen;
using SharpTrace.CodeGen.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary>
/// <c>strftime(fmt, ns)</c>: a timestamp, nanoseconds on the kernel's monotonic clock (<c>nsecs</c>), printed with
/// <c>%s</c> or as a map key or value as the wall-clock time formatted by strftime, plus bpftrace's <c>%f</c>
/// (microseconds). The format is part of the type, so a map keeps one format.
/// </summary>
internal sealed class Strftime : BuiltinFunction
{
    public override string Name => "strftime";

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (call.Arguments.Count != 2)
        {
            context.Diagnostics.Error(call.Span, call.Arguments.Count < 2
                ? $"{Name}() requires at least 2 arguments ({call.Arguments.Count} provided)"
                : $"{Name}() takes up to 2 arguments ({call.Arguments.Count} provided)");
            return context.Error(call.Span);
        }
        if (call.Arguments[0] is not StringLiteral format)
        {
            var type = context.Bind(call.Arguments[0]).Type;
            context.Diagnostics.Error(call.Span, $"{Name}() expects a string literal ({(type.IsString ? "string" : "integer")} provided)");
            return context.Error(call.Span);
        }
        var nanoseconds = context.Bind(call.Arguments[1]);
        if (nanoseconds.Type is ErrorType)
            return nanoseconds;
        if (nanoseconds.Type is not IntegerType)
        {
            context.Diagnostics.Error(call.Span, $"{Name}() only supports integer arguments ({(nanoseconds.Type.IsString ? "string" : nanoseconds.Type.ToString())} provided)");
            return context.Error(call.Span);
        }
        return new BoundStrftime(call.Span, nanoseconds, new TimestampType(format.Value));
    }

    /// <summary>The text of a timestamp: monotonic nanoseconds moved to the wall clock by the clocks' offset now.</summary>
    public static string Format(TimestampType type, ulong nanoseconds)
    {
        // Signed, as bpftrace reads it (-1 is just before boot), and wide enough not to wrap near the extremes.
        var offset = Native.ClockNanoseconds(Native.ClockRealtime) - Native.ClockNanoseconds(Native.ClockMonotonic);
        var utc = DateTime.UnixEpoch.AddTicks((long)(((Int128)offset + unchecked((long)nanoseconds)) / 100));
        return StrftimeFormat.Format(type.Format, LocalTime.FromUtc(utc), microseconds: true);
    }
}

/// <summary>bpftrace's timestamp: 8 bytes of nanoseconds, with the format it prints in.</summary>
internal sealed record TimestampType(string Format) : BpfType
{
    public override int Size => 8;
    public override string ToString() => "timestamp";
}

/// <summary>A bound <c>strftime(fmt, ns)</c>: the nanoseconds, formatted in user space.</summary>
internal sealed record BoundStrftime(TextSpan Span, BoundExpression Nanoseconds, TimestampType Timestamp) : BoundBuiltinCall(Span, Timestamp)
{
    internal override void EmitScalar(ProbeEmitter emitter) => throw new InvalidOperationException("a timestamp is not an integer");

    internal override void EmitInto(ProbeEmitter emitter, int frameOffset)
    {
        emitter.EmitScalar(Nanoseconds);
        emitter.Asm.Store(Size.U64, Reg.R10, (short)frameOffset, Reg.R0);
    }
}
