using SharpTrace.Lowering;
using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Builtins.Aggregations;

/// <summary>
/// An aggregation function such as <c>count()</c> or <c>hist(x)</c>: its type rule, how it updates its per-CPU slot
/// in the kernel, and how user space reads one CPU's slot back. The runtime combines CPUs with
/// <see cref="Aggregation.Combine(RuntimeValue, RuntimeValue)"/>.
/// </summary>
internal abstract class AggregationFunction : AggregationBuiltin, IAggregationLowering
{
    /// <summary>
    /// One CPU's slot as a value, or null when that CPU holds nothing (a min() or max() it never ran), so that it
    /// does not take part in the combination. Histograms are read bucket by bucket by the map reader instead.
    /// </summary>
    internal abstract RuntimeValue? Decode(AggregationType type, ReadOnlySpan<byte> slot);

    /// <summary>The value printed when no CPU holds one (after zero()).</summary>
    internal virtual RuntimeValue Unset => throw new InvalidOperationException($"{Name}() slots are always set");

    /// <summary>Every aggregation function, by name.</summary>
    public static IReadOnlyDictionary<string, AggregationFunction> All { get; } =
        Providers.Find<AggregationFunction>().ToDictionary(f => f.Name);

    /// <summary>The function that fills maps of this type.</summary>
    public static AggregationFunction For(AggregationType type) => All[type.ToString()];

    /// <summary>
    /// The update of this CPU's slot in IR: <paramref name="slot"/> is where it lives (a map value, or a stack buffer
    /// holding zeros when the entry is created), <paramref name="value"/> the aggregated value (0 for count).
    /// </summary>
    public abstract void LowerUpdate(IrBuilder ir, Address slot, Operand value);

    /// <summary>The slot of an entry created by this update, built in <paramref name="slot"/>: by default the update of a zero slot.</summary>
    public virtual void LowerFirst(IrBuilder ir, Slot slot, Operand value)
    {
        ir.Zero(slot, 0, slot.Size);
        LowerUpdate(ir, new SlotAddress(slot), value);
    }

    /// <summary>hist and lhist: the bucket index of <paramref name="value"/>.</summary>
    public virtual Operand LowerBucket(IrBuilder ir, Operand value, AggregationType type) =>
        throw new InvalidOperationException($"{Name}() has no buckets");

    /// <summary>The whole update, for a function whose bucket and slot come from one reading (tseries); false to use the hooks above.</summary>
    public virtual bool LowerWhole(IrBuilder ir, LoweredMap map, Slot key, int bucketOffset, Operand value, AggregationType type) => false;

    /// <summary>The address <paramref name="offset"/> bytes further.</summary>
    protected static Address At(Address address, int offset) => address switch
    {
        SlotAddress s => s with { Offset = s.Offset + offset },
        PointerAddress p => p with { Offset = p.Offset + offset },
        _ => throw new ArgumentOutOfRangeException(nameof(address)),
    };

    /// <summary>slot[offset] += 1, in IR.</summary>
    protected static void LowerIncrement(IrBuilder ir, Address slot, int offset)
    {
        ir.Emit(new AddToOp(At(slot, offset), new Imm(1)));
    }

    /// <summary>A new slot holding (value, 1): a total and its count, or a value and its is-set flag.</summary>
    protected static void LowerValueAndOne(IrBuilder ir, Slot slot, Operand value)
    {
        ir.Store(new SlotAddress(slot), 8, value);
        ir.Store(new SlotAddress(slot, 8), 8, new Imm(1));
    }

    /// <summary>slot[0] += value, in IR.</summary>
    protected static void LowerAdd(IrBuilder ir, Address slot, Operand value) =>
        ir.Emit(new AddToOp(slot, value));

    protected static long First(ReadOnlySpan<byte> slot) => System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(slot);

    protected static long Second(ReadOnlySpan<byte> slot) => System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(slot[8..]);
}
