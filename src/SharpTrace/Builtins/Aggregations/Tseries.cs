using System.Buffers.Binary;
using SharpTrace.Bpf;
using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;
using SharpTrace.Kernel;
using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

[assembly: BuiltinProvider(typeof(Tseries))]

namespace SharpTrace.Builtins.Aggregations;

/// <summary>
/// <c>tseries(v, interval, n[, "avg"|"max"|"min"|"sum"])</c>: a time series of the last <c>n</c> intervals of
/// <c>interval</c> nanoseconds, as the newest bpftrace defines it. The clock is <c>nsecs(sw_tai)</c>; the interval's
/// epoch (time / interval) picks the slot (epoch % n), kept in 8 bytes after the key like a histogram's bucket. Each
/// CPU's slot holds (value, meta, epoch): meta is the time of the last value without a reduction, the count for avg,
/// the is-set flag for min and max; a slot of an older epoch starts over. User space keeps, per slot, the newest
/// epoch of any CPU and combines the CPUs that hold it.
/// </summary>
internal sealed class Tseries : AggregationFunction
{
    /// <summary>bpftrace's limit on the number of intervals.</summary>
    public const long MaxIntervals = 1_000_000;

    private static readonly string[] Reductions = ["avg", "max", "min", "sum"];

    public override AggregationKind Kind => AggregationKind.Tseries;

    /// <summary>
    /// The newest bpftrace's rule for an unstable feature, before the call's own checks: <c>unstable_tseries = error</c>
    /// refuses it at the call, <c>warn</c> (the default) warns once per program (at the first call that is otherwise
    /// valid), <c>enable</c> says nothing.
    /// </summary>
    internal override AggregationType? Bind(CallExpression call, IReadOnlyList<BoundExpression> arguments, DiagnosticBag diagnostics, ProgramConfig config)
    {
        var setting = UnstableSetting(config.Settings.GetValueOrDefault("unstable_tseries"));
        if (setting == "error")
        {
            diagnostics.Error(call.Span, "tseries feature is not enabled by default. To enable this unstable feature, set the config flag to enable. unstable_tseries=enable");
            return null;
        }
        var type = Bind(call, arguments, diagnostics);
        if (type is not null && setting == "warn" && !diagnostics.Items.Any(d => d.Message == UnstableWarning))
            diagnostics.Warning(call.Span, UnstableWarning);
        return type;
    }

    private const string UnstableWarning =
        "Script is using an unstable feature: tseries. To prevent this warning you must explicitly enable it in the config e.g. unstable_tseries=enable";

    // As the reference reads the flag: true and 1 enable, false and 0 are error, no setting is warn.
    private static string UnstableSetting(string? text) => text?.ToLowerInvariant() switch
    {
        null => "warn",
        "true" or "1" or "enable" => "enable",
        "false" or "0" or "error" => "error",
        var other => other,
    };

    internal override AggregationType? Bind(CallExpression call, IReadOnlyList<BoundExpression> arguments, DiagnosticBag diagnostics)
    {
        // The reference's words (its pre-type check and type checker), in its order.
        if (arguments.Count < 3)
        {
            diagnostics.Error(call.Span, $"tseries() requires at least 3 arguments ({arguments.Count} provided)");
            return null;
        }
        if (arguments.Count > 4)
        {
            diagnostics.Error(call.Span, $"tseries() takes up to 4 arguments ({arguments.Count} provided)");
            return null;
        }
        if (call.Arguments[1] is not IntegerLiteral interval)
        {
            diagnostics.Error(call.Span, "tseries: invalid interval_ns value (must be non-negative literal)");
            return null;
        }
        if (call.Arguments[2] is not IntegerLiteral intervals)
        {
            diagnostics.Error(call.Span, "tseries: invalid num_intervals value (must be non-negative literal)");
            return null;
        }
        if (interval.Value == 0)
        {
            diagnostics.Error(call.Span, "tseries() interval_ns must be >= 1 (0 provided)");
            return null;
        }
        if (intervals.Value == 0)
        {
            diagnostics.Error(call.Span, "tseries() num_intervals must be >= 1 (0 provided)");
            return null;
        }
        if (intervals.Value > MaxIntervals)
        {
            diagnostics.Error(call.Span, $"tseries() num_intervals must be < {MaxIntervals} ({intervals.Value} provided)");
            return null;
        }
        var reduction = "";
        if (arguments.Count == 4)
        {
            if (call.Arguments[3] is not StringLiteral text)
            {
                diagnostics.Error(call.Span, $"tseries() expects a string literal ({TypeNames.Of(arguments[3].Type)} provided)");
                return null;
            }
            if (!Reductions.Contains(text.Value))
            {
                diagnostics.Error(call.Span, $"tseries() expects one of the following aggregation functions: {string.Join(", ", Reductions)} (\"{text.Value}\" provided)");
                return null;
            }
            reduction = text.Value;
        }
        if (!RequireInteger(call, arguments[0], diagnostics))
            return null;
        return new AggregationType(Kind)
        {
            Interval = (long)interval.Value,
            Intervals = (long)intervals.Value,
            Reduction = reduction,
            IsSigned = arguments[0].Type is IntegerType { IsSigned: true },
        };
    }

    public override void LowerUpdate(IrBuilder ir, Address slot, Operand value) =>
        throw new InvalidOperationException("tseries() is lowered whole");

    public override bool LowerWhole(IrBuilder ir, LoweredMap map, Slot key, int bucketOffset, Operand value, AggregationType type)
    {
        var now = ir.Binary(IrBinaryOp.Add, ir.Call(HelperFunction.KtimeGetBootNs), new Imm(TaiMinusBoot()));
        var epoch = ir.Binary(IrBinaryOp.Div, now, new Imm(type.Interval));
        ir.Store(new SlotAddress(key, bucketOffset), 8, ir.Binary(IrBinaryOp.Mod, epoch, new Imm(type.Intervals)));
        var missing = ir.NewLabel("tseries_missing");
        var done = ir.NewLabel("tseries_done");
        var found = ir.Lookup(map, new StackAddress(key));
        ir.Branch(IrCondition.Eq, found, new Imm(0), missing);
        var slot = new PointerAddress(found);
        if (type.Reduction.Length > 0)
        {
            // An older interval that fell on this slot starts over.
            var current = ir.NewLabel("tseries_current");
            ir.Branch(IrCondition.Eq, ir.Load(At(slot, 16), IrInt.U64), epoch, current);
            ir.Store(slot, 8, new Imm(0));
            ir.Store(At(slot, 8), 8, new Imm(0));
            ir.Mark(current);
        }
        Update(ir, slot, value, now, type);
        ir.Store(At(slot, 16), 8, epoch);
        ir.Goto(done);
        ir.Mark(missing);
        var first = ir.NewSlot(type.Size);
        ir.Zero(first, 0, 16);
        Update(ir, new SlotAddress(first), value, now, type);
        ir.Store(new SlotAddress(first, 16), 8, epoch);
        ir.Emit(new MapUpdateOp(map, new StackAddress(key), new StackAddress(first), 0));
        ir.Mark(done);
        return true;
    }

    private static void Update(IrBuilder ir, Address slot, Operand value, Operand now, AggregationType type)
    {
        switch (type.Reduction)
        {
            case "":
                ir.Store(slot, 8, value);
                ir.Store(At(slot, 8), 8, now);
                break;
            case "sum":
                LowerAdd(ir, slot, value);
                break;
            case "avg":
                LowerIncrement(ir, slot, 8);
                LowerAdd(ir, slot, value);
                break;
            default:
                var store = ir.NewLabel("tseries_store");
                var kept = ir.NewLabel("tseries_kept");
                ir.Branch(IrCondition.Eq, ir.Load(At(slot, 8), IrInt.U64), new Imm(0), store);
                var keep = (type.Reduction == "max", type.IsSigned) switch
                {
                    (true, true) => IrCondition.Sle,
                    (true, false) => IrCondition.Le,
                    (false, true) => IrCondition.Sge,
                    (false, false) => IrCondition.Ge,
                };
                ir.Branch(keep, value, ir.Load(slot, IrInt.U64), kept);
                ir.Mark(store);
                ir.Store(slot, 8, value);
                ir.Store(At(slot, 8), 8, new Imm(1));
                ir.Mark(kept);
                break;
        }
    }

    /// <summary>CLOCK_TAI minus CLOCK_BOOTTIME, the TAI reading taken between two boot-time readings (as <c>nsecs(sw_tai)</c>).</summary>
    private static long TaiMinusBoot()
    {
        const int clockBoottime = 7, clockTai = 11;
        var before = Native.ClockNanoseconds(clockBoottime);
        var tai = Native.ClockNanoseconds(clockTai);
        var after = Native.ClockNanoseconds(clockBoottime);
        return tai - (before + (after - before) / 2);
    }

    internal override RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot) =>
        throw new InvalidOperationException("time series are read slot by slot");

    /// <summary>
    /// The map's entries as time series, one per key (<paramref name="keySize"/> bytes of each stored key, the slot
    /// after them), as the newest bpftrace reads them: each slot's CPUs reduced to their newest epoch, the range the
    /// last <c>n</c> epochs up to the newest of the whole map, each key's series from its first epoch in the range.
    /// </summary>
    public static IEnumerable<(byte[] Key, TimeSeriesValue Value)> Read(AggregationType type, int keySize, int slotSize, IEnumerable<(byte[] Key, byte[] Value)> entries)
    {
        var byKey = new Dictionary<string, (byte[] Key, SortedDictionary<ulong, long> Epochs)>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            var id = Convert.ToHexString(key, 0, keySize);
            if (!byKey.TryGetValue(id, out var series))
                byKey[id] = series = (key[..keySize], new SortedDictionary<ulong, long>());
            var (epoch, reduced) = Reduce(type, value, slotSize);
            series.Epochs.TryAdd(epoch, reduced);
        }
        var last = byKey.Count == 0 ? ulong.MaxValue : byKey.Values.Max(s => s.Epochs.Count == 0 ? 0 : s.Epochs.Keys.Max());
        var first = unchecked(last - (ulong)type.Intervals + 1);
        foreach (var (key, epochs) in byKey.Values)
        {
            var points = new List<TimeSeriesPoint>();
            if (first <= last)
            {
                var from = epochs.Keys.Where(e => e >= first).DefaultIfEmpty(last).Min();
                for (var epoch = Math.Max(first, from); ; epoch++)
                {
                    points.Add(new TimeSeriesPoint(unchecked(epoch * (ulong)type.Interval),
                        epochs.TryGetValue(epoch, out var v) ? new IntegerValue(v, type.IsSigned) : null));
                    if (epoch == last)
                        break;
                }
            }
            yield return (key, new TimeSeriesValue(points));
        }
    }

    // One slot's CPUs: the newest epoch any of them holds, with the values of the CPUs holding that epoch combined.
    private static (ulong Epoch, long Value) Reduce(AggregationType type, byte[] value, int slotSize)
    {
        ulong latest = 0;
        var combined = new Dictionary<ulong, (long Value, long Meta)>();
        for (var offset = 0; offset + 24 <= value.Length; offset += slotSize)
        {
            var v = BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(offset));
            var meta = BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(offset + 8));
            var epoch = BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(offset + 16));
            if (epoch == 0)
                continue; // never written on this CPU
            latest = Math.Max(latest, epoch);
            if (!combined.TryGetValue(epoch, out var current))
            {
                combined[epoch] = (v, meta);
                continue;
            }
            combined[epoch] = type.Reduction switch
            {
                "" => (ulong)meta > (ulong)current.Meta ? (v, meta) : current,
                "avg" => (current.Value + v, current.Meta + meta),
                "sum" => (current.Value + v, current.Meta),
                "min" => (Pick(current.Value, v, type.IsSigned, max: false), current.Meta),
                _ => (Pick(current.Value, v, type.IsSigned, max: true), current.Meta),
            };
        }
        if (latest == 0)
            return (0, 0);
        var (total, count) = combined[latest];
        if (type.Reduction == "avg" && count != 0)
            total = type.IsSigned ? total / count : (long)((ulong)total / (ulong)count);
        return (latest, total);
    }

    private static long Pick(long a, long b, bool signed, bool max)
    {
        var aFirst = signed ? a > b : (ulong)a > (ulong)b;
        return aFirst == max ? a : b;
    }
}
