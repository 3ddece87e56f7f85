using SharpTrace.Bpf;

namespace SharpTrace.Lowering;

/// <summary>An integer as the IR sees it: 1, 2, 4 or 8 bytes, signed or not (loads sign- or zero-extend to 64 bits).</summary>
internal readonly record struct IrInt(int Bytes, bool IsSigned)
{
    public static readonly IrInt U64 = new(8, false);
    public static readonly IrInt S64 = new(8, true);
    public static readonly IrInt U32 = new(4, false);

    public override string ToString() => (IsSigned ? "s" : "u") + (Bytes * 8);
}

/// <summary>An operand: a virtual register, a constant, the address of a stack slot, or a map's handle.</summary>
internal abstract record Operand;

/// <summary>A virtual register holding a 64-bit value; CodeGen places it in r0-r9 or spills it.</summary>
internal sealed record VReg(int Id) : Operand
{
    public override string ToString() => "%" + Id;
}

/// <summary>A 64-bit constant.</summary>
internal sealed record Imm(long Value) : Operand
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A stack buffer of <see cref="Size"/> bytes (a byte blob: key, value, record, string). CodeGen gives it a frame
/// offset, sharing space with slots whose lifetimes do not overlap.
/// </summary>
internal sealed record Slot(int Id, int Size)
{
    /// <summary>
    /// The slot's address is kept and used where the slot is not named (a variable's <c>&amp;$x</c>): CodeGen gives it
    /// its own bytes for the whole function.
    /// </summary>
    public bool LivesThroughout { get; init; }

    public override string ToString() => "$s" + Id;
}

/// <summary>The address of a byte of a stack slot (r10 relative once the frame is laid out).</summary>
internal sealed record StackAddress(Slot Slot, int Offset = 0) : Operand
{
    public override string ToString() => Offset == 0 ? $"&{Slot}" : $"&{Slot}+{Offset}";
}

/// <summary>A kernel map's handle (the fd CodeGen loads with a 64-bit immediate), an entry of the map table.</summary>
internal sealed record MapHandle(LoweredMap Map) : Operand
{
    public override string ToString() => "map[" + Map.Ref.Name + "]";
}

/// <summary>
/// The address of a byte of an array map's first value (<c>elapsed</c>'s start time), a constant the loader resolves
/// (BPF_PSEUDO_MAP_VALUE): read without a lookup.
/// </summary>
internal sealed record MapValueAddress(LoweredMap Map, int Offset = 0) : Operand
{
    public override string ToString() => Offset == 0 ? $"&value[{Map.Ref.Name}]" : $"&value[{Map.Ref.Name}]+{Offset}";
}

/// <summary>
/// The address of a kernel variable named in the kernel's BTF (<c>percpu_kaddr</c>'s per-CPU variables), a constant
/// the kernel resolves when it loads the program (BPF_PSEUDO_BTF_ID).
/// </summary>
internal sealed record KernelVariableAddress(string Name, int BtfId) : Operand
{
    public override string ToString() => $"&ksym[{Name}]";
}

/// <summary>A place in memory: a stack slot and an offset in it, or a pointer register and an offset from it.</summary>
internal abstract record Address;

internal sealed record SlotAddress(Slot Slot, int Offset = 0) : Address
{
    public override string ToString() => Offset == 0 ? $"{Slot}" : $"{Slot}+{Offset}";
}

internal sealed record PointerAddress(VReg Base, int Offset = 0) : Address
{
    public override string ToString() => Offset == 0 ? $"[{Base}]" : $"[{Base}+{Offset}]";
}

/// <summary>A jump target.</summary>
internal sealed record IrLabel(int Id, string Hint)
{
    public override string ToString() => $"{Hint}{Id}";
}

/// <summary>Arithmetic and bitwise operators; the signed variants are chosen by lowering from the operand types.</summary>
internal enum IrBinaryOp { Add, Sub, Mul, Div, Mod, And, Or, Xor, Shl, Shr, SignedShr }

/// <summary>Unary operators; the byte swaps reverse the low 2, 4 or 8 bytes and clear the bytes above.</summary>
internal enum IrUnaryOp { Neg, Not, Swap16, Swap32, Swap64 }

/// <summary>Branch conditions; Slt..Sge compare signed.</summary>
internal enum IrCondition { Eq, Ne, Lt, Le, Gt, Ge, Slt, Sle, Sgt, Sge }

/// <summary>One IR operation.</summary>
internal abstract record IrOp;

/// <summary>dst = src.</summary>
internal sealed record MoveOp(VReg Dst, Operand Src) : IrOp;

/// <summary>dst = left op right.</summary>
internal sealed record BinaryOp(IrBinaryOp Op, VReg Dst, Operand Left, Operand Right) : IrOp;

/// <summary>dst = op src.</summary>
internal sealed record UnaryOp(IrUnaryOp Op, VReg Dst, Operand Src) : IrOp;

/// <summary>dst = the integer at <see cref="From"/>, extended to 64 bits.</summary>
internal sealed record LoadOp(VReg Dst, Address From, IrInt Type) : IrOp;

/// <summary>The low <see cref="Bytes"/> bytes of <see cref="Value"/> written at <see cref="To"/>.</summary>
internal sealed record StoreOp(Address To, int Bytes, Operand Value) : IrOp;

/// <summary>
/// The 8 bytes at <see cref="To"/> increased by <see cref="Value"/> (an aggregation's counter); in one atomic
/// instruction where the memory allows it.
/// </summary>
internal sealed record AddToOp(Address To, Operand Value) : IrOp;

/// <summary>Constant bytes (a string literal, zeros) written into a stack slot.</summary>
internal sealed record FillOp(SlotAddress To, byte[] Bytes) : IrOp;

/// <summary><see cref="Size"/> bytes copied from memory the program may read directly (stack, map value, context).</summary>
internal sealed record CopyOp(Address To, Address From, int Size) : IrOp;

/// <summary>What a <see cref="CallOp"/> calls: a BPF helper, or a kernel function (kfunc).</summary>
internal abstract record Callee
{
    public static implicit operator Callee(HelperFunction helper) => new HelperCallee(helper);
}

/// <summary>A BPF helper, called by its number.</summary>
internal sealed record HelperCallee(HelperFunction Helper) : Callee
{
    public override string ToString() => Helper.KernelName();
}

/// <summary>
/// The kernel function (kfunc) <see cref="Name"/>, called by its BTF id in the kernel's BTF, <see cref="BtfId"/>
/// (BPF_PSEUDO_KFUNC_CALL).
/// </summary>
internal sealed record KernelFunctionCallee(string Name, int BtfId) : Callee
{
    public override string ToString() => "kernel " + Name;
}

/// <summary>A call of a helper or a kernel function; dst (when given) receives its result. Clobbers r0-r5.</summary>
internal sealed record CallOp(VReg? Dst, Callee Callee, IReadOnlyList<Operand> Arguments) : IrOp;

/// <summary>dst = pointer to the value stored under the key, or 0 (bpf_map_lookup_elem).</summary>
internal sealed record MapLookupOp(VReg Dst, LoweredMap Map, StackAddress Key) : IrOp;

/// <summary>bpf_map_update_elem; a refused update (full map) is counted in the dropped-updates counter of the map.</summary>
internal sealed record MapUpdateOp(LoweredMap Map, StackAddress Key, StackAddress Value, int Flags) : IrOp;

/// <summary>bpf_map_delete_elem.</summary>
internal sealed record MapDeleteOp(LoweredMap Map, StackAddress Key) : IrOp;

/// <summary>Sends a record built on the stack to the ring buffer; a record it has no room for is counted as lost.</summary>
internal sealed record OutputOp(LoweredRecord Record, StackAddress Data, int Size) : IrOp;

/// <summary>
/// Sends a record built in a map value (<see cref="Data"/>, checked not null) of a size known at run time, bounded by
/// the map value's size, to the ring buffer; a record it has no room for is counted as lost.
/// </summary>
internal sealed record OutputBufferOp(LoweredRecord Record, VReg Data, VReg Size) : IrOp;

/// <summary>
/// dst = a record of <see cref="Size"/> bytes reserved in the ring buffer (bpf_ringbuf_reserve), for records larger
/// than the stack (join()'s); 0 when the buffer has no room, and the record is then counted as lost. A reserved record
/// must reach a <see cref="SubmitOp"/> on every path.
/// </summary>
internal sealed record ReserveOp(VReg Dst, LoweredRecord Record, int Size) : IrOp;

/// <summary>Hands a record reserved by <see cref="ReserveOp"/> to user space (bpf_ringbuf_submit).</summary>
internal sealed record SubmitOp(VReg Record) : IrOp;

internal sealed record GotoOp(IrLabel Target) : IrOp;

/// <summary>if (left cond right) goto target.</summary>
internal sealed record BranchOp(IrCondition Condition, Operand Left, Operand Right, IrLabel Target) : IrOp;

internal sealed record MarkOp(IrLabel Label) : IrOp;

/// <summary>Ends the program with a value (0: the event is done).</summary>
internal sealed record ReturnOp(Operand Value) : IrOp;

/// <summary>
/// An interval probe's guard, first in its program (which runs on every CPU's timer): goto <see cref="Skip"/> unless
/// this run is the first of its period. <see cref="State"/> is 16 bytes of a map value: the time of the first run
/// (the periods are counted from half a period before it, so that the CPUs' timers, started together, fall mid-period),
/// then the number of the last period claimed, which an atomic compare-and-exchange advances. Clobbers r0-r5 as a call.
/// </summary>
internal sealed record ClaimPeriodOp(MapValueAddress State, long PeriodNanoseconds, IrLabel Skip) : IrOp;

// ---- Loops and callbacks -------------------------------------------------------------------------------
// A bounded loop is a GotoOp or BranchOp that jumps back (to a label before it): the verifier walks its iterations,
// so it must see the loop end (while loops, the per-CPU loop's NextCpuOp). A loop body that runs an unknown number
// of times is a callback a helper calls (LoopCallOp, MapWalkOp).

/// <summary>dst = pointer to <see cref="Cpu"/>'s slot of the value stored under the key, or 0 (bpf_map_lookup_percpu_elem).</summary>
internal sealed record MapLookupPerCpuOp(VReg Dst, LoweredMap Map, Operand Key, Operand Cpu) : IrOp;

/// <summary>
/// The back edge of a loop over every possible CPU: cpu += 1, and if cpu is below the number of possible CPUs (known
/// when the program is loaded) goto head.
/// </summary>
internal sealed record NextCpuOp(VReg Cpu, IrLabel Head) : IrOp;

/// <summary>
/// A subprogram a helper calls back: its IR, and the registers holding its arguments on entry (the first is the
/// function's context register, r1; then r2, r3...). One callback object is emitted once however often it is used.
/// </summary>
internal sealed record IrCallback(IrFunction Body, IReadOnlyList<VReg> Parameters);

/// <summary>
/// bpf_for_each_map_elem: the callback runs with (map, key, value, context) for each entry, until it returns 1;
/// dst (when given) receives the number of entries visited.
/// </summary>
internal sealed record MapWalkOp(VReg? Dst, LoweredMap Map, IrCallback Callback, Operand Context) : IrOp;

/// <summary>Counts a refused update of the map in its dropped-updates counter (the helper call MapUpdateOp makes on failure).</summary>
internal sealed record DroppedUpdateOp(LoweredMap Map) : IrOp;

/// <summary>bpf_loop: the callback runs with (index, context) <see cref="Count"/> times, until it returns 1.</summary>
internal sealed record LoopCallOp(Operand Count, IrCallback Callback, Operand Context) : IrOp;
