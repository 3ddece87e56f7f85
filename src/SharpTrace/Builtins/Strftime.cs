using System.Buffers.Binary;
using SharpTrace.Lowering;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Strftime))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>strftime(fmt, ns)</c>: a timestamp, nanoseconds on the kernel's monotonic clock (<c>nsecs</c>), printed with
/// <c>%s</c> or as a map key or value as the wall-clock time formatted by strftime, plus bpftrace's <c>%f</c>
/// (microseconds). The value carries its format's id beside the nanoseconds, as in bpftrace, so a map may hold
/// timestamps of several formats.
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
            ReportStringLiteralExpected(call, call.Arguments[0], context.Bind(call.Arguments[0]).Type, context);
            return context.Error(call.Span);
        }
        var nanoseconds = context.Bind(call.Arguments[1]);
        if (nanoseconds.Type is ErrorType)
            return nanoseconds;
        if (nanoseconds.Type is not IntegerType)
        {
            // The newest bpftrace's check_arg words the kinds as its types: "only supports int arguments (string provided)".
            context.Diagnostics.Error(call.Span, $"{Name}() only supports int arguments ({TypeNames.KindOf(nanoseconds.Type)} provided)");
            return context.Error(call.Span);
        }
        return new BoundStrftime(call.Span, nanoseconds, context.TimestampFormats.IdOf(format.Value), new TimestampType(context.TimestampFormats));
    }

    /// <summary>
    /// The wall clock minus the monotonic clock, read once for the whole run as the newest bpftrace reads its clocks'
    /// delta once at start: two timestamps 123 µs apart print 123 µs apart, not give or take the time between readings.
    /// </summary>
    private static readonly Lazy<long> WallClockOffset = new(() => Native.ClockNanoseconds(Native.ClockRealtime) - Native.ClockNanoseconds(Native.ClockMonotonic));

    /// <summary>The text of a timestamp: monotonic nanoseconds moved to the wall clock by the clocks' offset.</summary>
    public static string Format(string format, ulong nanoseconds)
    {
        // Signed, as bpftrace reads it (-1 is just before boot), and wide enough not to wrap near the extremes.
        var utc = DateTime.UnixEpoch.AddTicks((long)(((Int128)WallClockOffset.Value + unchecked((long)nanoseconds)) / 100));
        return StrftimeFormat.Format(format, LocalTime.FromUtc(utc), microseconds: true);
    }
}

/// <summary>
/// bpftrace's timestamp: 16 bytes, the format's id in <see cref="Formats"/> and then the nanoseconds. Every
/// timestamp of a compilation has the same type (they share <see cref="Formats"/>).
/// </summary>
internal sealed record TimestampType(TimestampFormats Formats) : SelfDecodingType
{
    public override int Size => 16;
    public override int Alignment => 1;
    public override string ToString() => "timestamp";

    /// <summary>The printed text of a value, or "(?)" (bpftrace's word) for a value no strftime() call wrote.</summary>
    public override RuntimeValue Decode(ReadOnlySpan<byte> bytes) => new StringValue(
        Formats[BinaryPrimitives.ReadUInt64LittleEndian(bytes)] is { } format
            ? Strftime.Format(format, BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]))
            : "(?)");
}

/// <summary>A bound <c>strftime(fmt, ns)</c>: the format's id and the nanoseconds, formatted in user space.</summary>
internal sealed record BoundStrftime(TextSpan Span, BoundExpression Nanoseconds, int FormatId, TimestampType Timestamp) : BoundBuiltinCall(Span, Timestamp)
{
    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        lowering.Ir.Store(new SlotAddress(slot, offset + 8), 8, lowering.LowerScalar(Nanoseconds));
        lowering.Ir.Store(new SlotAddress(slot, offset), 8, new Imm(FormatId));
        return true;
    }
}
