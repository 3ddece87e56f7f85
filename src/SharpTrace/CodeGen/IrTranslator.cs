using SharpTrace.Bpf;
using SharpTrace.Lowering;

namespace SharpTrace.CodeGen;

/// <summary>
/// Translates one probe's IR to eBPF: registers by <see cref="RegisterAllocator"/>, the frame by
/// <see cref="FrameAllocator"/>, then each operation in a shape the verifier accepts. Needs only Lowering and Bpf.
/// </summary>
internal sealed partial class IrTranslator
{
    private const int EExist = 17;
    private const int NoExist = 1;

    private readonly IrFunction _function;
    private readonly LoweredProgram _program;
    private readonly IrLiveness _liveness;
    private readonly RegisterAssignment _registers;
    private readonly Dictionary<Slot, int> _frame;
    private readonly Dictionary<VReg, Slot> _spills;
    private readonly Dictionary<IrLabel, Label> _labels = [];
    private readonly Slot? _counterKey;
    /// <summary>The slots kept in the function's scratch entry, each with its offset there.</summary>
    private readonly Dictionary<Slot, int> _scratch;
    /// <summary>The stack slot holding the address of the function's scratch entry, when it has one.</summary>
    private readonly Dictionary<Slot, Slot> _scratchPointers;
    private int _position;

    private IrTranslator(IrFunction function, LoweredProgram program, Assembler asm, CallbackTable callbacks, ScratchSpace scratch, IReadOnlyList<VReg>? parameters = null)
    {
        _program = program;
        Asm = asm;
        _callbacks = callbacks;
        var layout = FrameLayout.Of(function, parameters, null);
        if (layout.FrameSize > FrameAllocator.StackLimit)
            layout = MoveToScratch(function, parameters, scratch) ?? layout;
        if (layout.FrameSize > FrameAllocator.StackLimit)
            throw new CompileException($"{function.Name}: the probe needs more than {FrameAllocator.StackLimit} bytes of BPF stack");
        (_function, _liveness, _registers, _spills, _counterKey, _frame, _scratch, _scratchPointers) =
            (layout.Function, layout.Liveness, layout.Registers, layout.Spills, layout.CounterKey, layout.Offsets, layout.ScratchOffsets, layout.ScratchPointers);
    }

    /// <summary>
    /// A frame over the stack limit: the largest slots move to a scratch entry of the function's own, as many sizes
    /// down as it takes for the rest to fit (programs whose frames fit are left as they are). A callback's context
    /// stays on the stack: the kernel takes nothing else there.
    /// </summary>
    private static FrameLayout? MoveToScratch(IrFunction function, IReadOnlyList<VReg>? parameters, ScratchSpace scratch)
    {
        var contexts = function.Ops
            .Select(o => o switch { MapWalkOp { Context: StackAddress a } => a.Slot, LoopCallOp { Context: StackAddress a } => a.Slot, _ => null })
            .OfType<Slot>()
            .ToHashSet();
        var movable = function.Slots.Where(s => s.Size > 8 && !contexts.Contains(s)).ToList();
        var entry = -1;
        foreach (var size in movable.Select(s => s.Size).Distinct().OrderDescending())
        {
            if (entry < 0)
                entry = scratch.NewEntry();
            var moved = movable.Where(s => s.Size >= size).ToList();
            var layout = FrameLayout.Of(function, parameters, new ScratchRequest(scratch.Map, entry, moved.ToHashSet()));
            if (layout.FrameSize <= FrameAllocator.StackLimit)
            {
                if (layout.ScratchSize > ScratchSpace.MaxValueSize)
                    layout = FrameLayout.Of(function, parameters, new ScratchRequest(scratch.Map, SplitIntoEntries(function, moved, entry, scratch)));
                if (layout.FrameSize > FrameAllocator.StackLimit)
                    continue;
                scratch.Require(layout.ScratchSize);
                return layout;
            }
        }
        return null;
    }

    /// <summary>
    /// Slots that need more than one scratch entry holds (a per-CPU map value is at most 32 KiB) spread over several:
    /// largest first, each into the first entry with room, counting every slot whole (no sharing between slots that
    /// are not live together), the first entry <paramref name="first"/>, the others new. A slot larger than an entry
    /// cannot be kept.
    /// </summary>
    private static List<ScratchEntry> SplitIntoEntries(IrFunction function, IReadOnlyList<Slot> slots, int first, ScratchSpace scratch)
    {
        var entries = new List<(int Entry, HashSet<Slot> Slots, int Used)>();
        foreach (var slot in slots.OrderByDescending(s => s.Size))
        {
            var size = Align8(slot.Size);
            if (size > ScratchSpace.MaxValueSize)
                throw new CompileException($"{function.Name}: the probe needs more than {ScratchSpace.MaxValueSize} bytes of scratch space");
            var index = entries.FindIndex(e => e.Used + size <= ScratchSpace.MaxValueSize);
            if (index < 0)
            {
                entries.Add((entries.Count == 0 ? first : scratch.NewEntry(), [], 0));
                index = entries.Count - 1;
            }
            var (entry, held, used) = entries[index];
            held.Add(slot);
            entries[index] = (entry, held, used + size);
        }
        return entries.Select(e => new ScratchEntry(e.Entry, e.Slots)).ToList();
    }

    private static int Align8(int size) => (size + 7) & ~7;

    public Assembler Asm { get; }

    /// <summary>Translates the probe's IR, and the callbacks it names after it, to an assembled (not yet linked) program.</summary>
    public static AssembledProgram Translate(IrFunction function, LoweredProgram program, ScratchSpace? scratch = null)
    {
        var asm = new Assembler();
        var callbacks = new CallbackTable(asm);
        scratch ??= new ScratchSpace();
        new IrTranslator(function, program, asm, callbacks, scratch).EmitFunction();
        EmitCallbacks(program, asm, callbacks, scratch);
        return asm.Assemble();
    }

    /// <summary>The registers and frame the translation chose, for tests.</summary>
    internal static (RegisterAssignment Registers, IReadOnlyDictionary<Slot, int> Frame) Layout(IrFunction function, LoweredProgram program)
    {
        var asm = new Assembler();
        var translator = new IrTranslator(function, program, asm, new CallbackTable(asm), new ScratchSpace());
        return (translator._registers, translator._frame);
    }

    private void EmitFunction()
    {
        _position = IrLiveness.Entry;
        foreach (var (parameter, index) in _liveness.Parameters)
        {
            if (_liveness.Registers[parameter].End != IrLiveness.Entry)
                Define(parameter, (Reg)(index + 1));
        }
        for (_position = 0; _position < _function.Ops.Count; _position++)
            EmitOp(_function.Ops[_position]);
        if (_function.Ops.Count == 0 || _function.Ops[^1] is not (ReturnOp or GotoOp))
        {
            Asm.Mov(Reg.R0, 0);
            Asm.Exit();
        }
    }

    private void EmitOp(IrOp op)
    {
        if (IsDeadCopy(op))
            return;
        switch (op)
        {
            case MoveOp o:
            {
                var dst = Target(o.Dst);
                Materialize(o.Src, dst);
                Define(o.Dst, dst);
                break;
            }
            case BinaryOp o:
                EmitBinary(o);
                break;
            case UnaryOp o:
            {
                var dst = Target(o.Dst);
                Materialize(o.Src, dst);
                switch (o.Op)
                {
                    case IrUnaryOp.Neg:
                        Asm.Neg(dst);
                        break;
                    case IrUnaryOp.Not:
                        Asm.Alu(AluOp.Xor, dst, -1);
                        break;
                    default:
                        Asm.ByteSwap(dst, o.Op switch { IrUnaryOp.Swap16 => 16, IrUnaryOp.Swap32 => 32, _ => 64 });
                        break;
                }
                Define(o.Dst, dst);
                break;
            }
            case LoadOp o:
            {
                var (bas, offset) = Base(o.From);
                var dst = Target(o.Dst);
                Asm.Load(SizeOf(o.Type.Bytes), dst, bas, (short)offset);
                if (o.Type is { IsSigned: true, Bytes: < 8 })
                {
                    Asm.Alu(AluOp.Lsh, dst, 64 - o.Type.Bytes * 8);
                    Asm.Alu(AluOp.Arsh, dst, 64 - o.Type.Bytes * 8);
                }
                Define(o.Dst, dst);
                break;
            }
            case StoreOp o:
                EmitStore(o);
                break;
            case FillOp o:
                EmitFill(o);
                break;
            case AddToOp o:
                EmitAddTo(o);
                break;
            case CopyOp o:
                EmitCopy(o);
                break;
            case CallOp o:
                EmitCall(o.Callee, o.Arguments);
                if (o.Dst is { } result)
                    Define(result, Reg.R0);
                break;
            case MapLookupOp o:
                EmitCall(HelperFunction.MapLookupElem, [new MapHandle(o.Map), o.Key]);
                Define(o.Dst, Reg.R0);
                break;
            case MapUpdateOp o:
                EmitCall(HelperFunction.MapUpdateElem, [new MapHandle(o.Map), o.Key, o.Value, new Imm(o.Flags)]);
                EmitCountDropped(o);
                break;
            case MapDeleteOp o:
                EmitCall(HelperFunction.MapDeleteElem, [new MapHandle(o.Map), o.Key]);
                break;
            case OutputOp o:
            {
                EmitCall(HelperFunction.RingbufOutput, [new MapHandle(_program.RingBuffer), o.Data, new Imm(o.Size), new Imm(0)]);
                var sent = Asm.NewLabel("sent");
                Asm.JumpIf(Bpf.JumpOp.Eq, Reg.R0, 0, sent);
                EmitIncrementCounter(_program.LostEvents, 0, sent);
                Asm.Mark(sent);
                break;
            }
            case OutputBufferOp o:
            {
                EmitCall(HelperFunction.RingbufOutput, [new MapHandle(_program.RingBuffer), o.Data, o.Size, new Imm(0)]);
                var sent = Asm.NewLabel("sent");
                Asm.JumpIf(Bpf.JumpOp.Eq, Reg.R0, 0, sent);
                EmitIncrementCounter(_program.LostEvents, 0, sent);
                Asm.Mark(sent);
                break;
            }
            case ReserveOp o:
            {
                EmitCall(HelperFunction.RingbufReserve, [new MapHandle(_program.RingBuffer), new Imm(o.Size), new Imm(0)]);
                var reserved = Asm.NewLabel("reserved");
                var counted = Asm.NewLabel("lost");
                Asm.JumpIf(Bpf.JumpOp.Ne, Reg.R0, 0, reserved);
                EmitIncrementCounter(_program.LostEvents, 0, counted);
                Asm.Mark(counted);
                Asm.Mov(Reg.R0, 0);
                Asm.Mark(reserved);
                Define(o.Dst, Reg.R0);
                break;
            }
            case SubmitOp o:
                EmitCall(HelperFunction.RingbufSubmit, [o.Record, new Imm(0)]);
                break;
            case ClaimPeriodOp o:
                EmitClaimPeriod(o);
                break;
            case GotoOp o:
                Asm.Jump(LabelOf(o.Target));
                break;
            case BranchOp o:
                EmitBranch(o);
                break;
            case MarkOp o:
                Asm.Mark(LabelOf(o.Label));
                break;
            case ReturnOp o:
                Materialize(o.Value, Reg.R0);
                Asm.Exit();
                break;
            default:
                if (!TryEmitLoopOp(op))
                    throw new LoweringNotSupportedException($"the operation {op.GetType().Name}");
                break;
        }
    }

    /// <summary>After bpf_map_update_elem: a refused update (other than a lost BPF_NOEXIST race) is counted for its map.</summary>
    private void EmitCountDropped(MapUpdateOp update)
    {
        var done = Asm.NewLabel("update_ok");
        Asm.JumpIf(Bpf.JumpOp.Eq, Reg.R0, 0, done);
        if (update.Flags == NoExist)
            Asm.JumpIf(Bpf.JumpOp.Eq, Reg.R0, -EExist, done);
        EmitIncrementCounter(_program.DroppedUpdates, update.Map.DroppedIndex, done);
        Asm.Mark(done);
    }

    /// <summary>
    /// counter[index] += 1 on this CPU; only r0-r2 are used (they are free right after a helper call). Lost records are
    /// not counted once a probe has called exit(): user space would have discarded them.
    /// </summary>
    private void EmitIncrementCounter(LoweredMap counter, int index, Label done)
    {
        if (counter.Role == LoweredMapRole.LostEvents && _program.ExitFlag is { } exited)
        {
            Asm.LoadMapValue(Reg.R1, exited.Ref, 0);
            Asm.Load(Size.U64, Reg.R1, Reg.R1, 0);
            Asm.JumpIf(Bpf.JumpOp.Ne, Reg.R1, 0, done);
        }
        var key = (short)_frame[_counterKey!];
        Asm.StoreImm(Size.U32, Reg.R10, key, index);
        Asm.LoadMapFd(Reg.R1, counter.Ref);
        Asm.Mov(Reg.R2, Reg.R10);
        Asm.Alu(AluOp.Add, Reg.R2, key);
        Asm.Call(HelperFunction.MapLookupElem);
        Asm.JumpIf(Bpf.JumpOp.Eq, Reg.R0, 0, done);
        Asm.Mov(Reg.R1, 1);
        Asm.AtomicAdd(Size.U64, Reg.R0, 0, Reg.R1);
    }

    private Label LabelOf(IrLabel label)
    {
        if (!_labels.TryGetValue(label, out var asmLabel))
            _labels[label] = asmLabel = Asm.NewLabel(label.Hint);
        return asmLabel;
    }

    internal static Size SizeOf(int bytes) => bytes switch
    {
        1 => Size.U8,
        2 => Size.U16,
        4 => Size.U32,
        _ => Size.U64,
    };
}
