using SharpTrace.Bpf;

namespace SharpTrace.Lowering;

/// <summary>What a kernel map is for, as the IR printer and CodeGen need to know it; a builtin's map (elapsed's start time, stack traces) is <c>Builtin</c>.</summary>
internal enum LoweredMapRole { Script, RingBuffer, LostEvents, DroppedUpdates, Builtin, ExitFlag }

/// <summary>
/// An entry of the map table: the kernel map's reference (resolved to an fd at load time), its key and value
/// sizes, and for a script map its index in the dropped-updates counter.
/// </summary>
internal sealed record LoweredMap(MapRef Ref, LoweredMapRole Role, int KeySize, int ValueSize, int DroppedIndex = 0);

/// <summary>
/// An entry of the record table: an output record's action id, what sends it (<c>printf</c>, <c>exit</c>…), and its
/// layout (the id, then its fields: a formatted record's arguments, each 8-byte aligned).
/// </summary>
internal sealed record LoweredRecord(int Id, string Kind, Records.RecordLayout Layout)
{
    /// <summary>The types of the fields as the reader decodes them (a formatted action's arguments), when it has any.</summary>
    public IReadOnlyList<Records.IRecordValueType> FieldTypes { get; init; } = [];

    /// <summary>The record's bytes: the 8-byte id, then the fields.</summary>
    public int Size => Layout.Size;
}

/// <summary>The IR of one probe: its operations in order, and the virtual registers and slots they use.</summary>
internal sealed record IrFunction(string Name, IReadOnlyList<IrOp> Ops, VReg Context, int RegisterCount, IReadOnlyList<Slot> Slots);

/// <summary>
/// One probe after lowering: its IR, or why it could not be lowered (then compilation reports an error at the probe).
/// </summary>
internal sealed record LoweredProbe(string Name, IrFunction? Body, string? NotSupported)
{
    /// <summary>
    /// A probe on <c>syscalls</c> tracepoints of one direction, lowered again for the raw <c>sys_enter</c>/<c>sys_exit</c>
    /// tracepoint (run there through <c>Probes.SyscallDispatch</c> where the kernel allows); null for other probes.
    /// </summary>
    public IrFunction? SyscallBody { get; init; }
}

/// <summary>
/// The hand-over from Semantics to CodeGen: every probe's IR, the map table and the record table. CodeGen needs
/// nothing else to translate it.
/// </summary>
internal sealed record LoweredProgram(
    IReadOnlyList<LoweredProbe> Probes,
    IReadOnlyList<LoweredMap> Maps,
    IReadOnlyList<LoweredRecord> Records)
{
    /// <summary>The per-CPU counter of records the ring buffer refused.</summary>
    public LoweredMap LostEvents => Maps.First(m => m.Role == LoweredMapRole.LostEvents);

    /// <summary>The flag exit() sets, when a probe calls it: records the ring buffer refuses after it are not counted lost.</summary>
    public LoweredMap? ExitFlag => Maps.FirstOrDefault(m => m.Role == LoweredMapRole.ExitFlag);

    /// <summary>The per-CPU counters of updates refused because the map was full, one per script map.</summary>
    public LoweredMap DroppedUpdates => Maps.First(m => m.Role == LoweredMapRole.DroppedUpdates);

    public LoweredMap RingBuffer => Maps.First(m => m.Role == LoweredMapRole.RingBuffer);
}

/// <summary>A construct the Lowering stage does not handle: compiling the probe fails with an error naming it.</summary>
internal sealed class LoweringNotSupportedException(string construct) : Exception("not supported yet: " + construct)
{
    public string Construct { get; } = construct;
}
