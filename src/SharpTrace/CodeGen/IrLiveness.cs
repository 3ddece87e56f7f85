using SharpTrace.Lowering;

namespace SharpTrace.CodeGen;

/// <summary>A value's lifetime over the operations' positions, first to last (inclusive).</summary>
internal readonly record struct LiveInterval(int Start, int End)
{
    public bool Overlaps(LiveInterval other) => Start <= other.End && other.Start <= End;

    public LiveInterval Extend(int position) => new(Math.Min(Start, position), Math.Max(End, position));
}

/// <summary>
/// Where each virtual register and stack slot is used, as intervals over the operations in order. An interval from
/// the first to the last mention covers every path that needs the value, once it is stretched over each loop (a
/// backward jump) it reaches into or out of: a value that lives before or after a loop and is used in it must
/// survive every iteration. Values used only inside one iteration keep their interval.
/// </summary>
internal sealed class IrLiveness
{
    /// <summary>Position of the program's entry, where the context register is defined.</summary>
    public const int Entry = -1;

    public Dictionary<VReg, LiveInterval> Registers { get; } = [];
    public Dictionary<Slot, LiveInterval> Slots { get; } = [];

    /// <summary>Positions of operations that call a helper (they clobber r0-r5).</summary>
    public List<int> Calls { get; } = [];

    /// <summary>Registers defined by a call (their value arrives in r0).</summary>
    public HashSet<VReg> CallResults { get; } = [];

    /// <summary>For a register passed to a helper, the argument position it is first passed in (0 for r1).</summary>
    public Dictionary<VReg, int> ArgumentHints { get; } = [];

    /// <summary>
    /// For a register first defined from another (a move, the left operand of an arithmetic operation, the base of a
    /// load), that other register: when its life ends there, the two can share a machine register.
    /// </summary>
    public Dictionary<VReg, VReg> DefinedFrom { get; } = [];

    /// <summary>The registers holding the arguments on entry (a probe's: its context), each with its position (0 for r1).</summary>
    public Dictionary<VReg, int> Parameters { get; } = [];

    public IrLiveness(IrFunction function, IReadOnlyList<VReg>? parameters = null)
    {
        parameters ??= [function.Context];
        for (var p = 0; p < parameters.Count; p++)
        {
            Registers[parameters[p]] = new LiveInterval(Entry, Entry);
            Parameters[parameters[p]] = p;
        }
        var loops = new List<LiveInterval>();
        var labels = new Dictionary<IrLabel, int>();
        for (var i = 0; i < function.Ops.Count; i++)
        {
            if (function.Ops[i] is MarkOp mark)
                labels[mark.Label] = i;
        }
        for (var i = 0; i < function.Ops.Count; i++)
        {
            var op = function.Ops[i];
            var position = i;
            var source = op switch
            {
                MoveOp { Src: VReg from } o when !Registers.ContainsKey(o.Dst) => (o.Dst, from),
                BinaryOp { Left: VReg from } o when !Registers.ContainsKey(o.Dst) => (o.Dst, from),
                UnaryOp { Src: VReg from } o when !Registers.ContainsKey(o.Dst) => (o.Dst, from),
                LoadOp { From: PointerAddress { Base: var from } } o when !Registers.ContainsKey(o.Dst) => (o.Dst, from),
                _ => ((VReg, VReg)?)null,
            };
            if (source is var (defined, from2))
                DefinedFrom[defined] = from2;
            Visit(op, r => Mention(r, position), s => Slots[s] = Slots.TryGetValue(s, out var l) ? l.Extend(position) : new(position, position));
            if (IsCall(op))
                Calls.Add(i);
            if (op is CallOp { Dst: { } result })
                CallResults.Add(result);
            if (op is MapLookupOp lookup)
                CallResults.Add(lookup.Dst);
            if (op is MapLookupPerCpuOp percpu)
                CallResults.Add(percpu.Dst);
            if (op is MapWalkOp { Dst: { } visited })
                CallResults.Add(visited);
            if (op is ReserveOp reserve)
                CallResults.Add(reserve.Dst);
            if (op is CallOp call)
            {
                for (var a = 0; a < call.Arguments.Count; a++)
                {
                    if (call.Arguments[a] is VReg argument)
                        ArgumentHints.TryAdd(argument, a);
                }
            }
            var target = op switch { GotoOp g => g.Target, BranchOp b => b.Target, NextCpuOp n => n.Head, ClaimPeriodOp c => c.Skip, _ => null };
            if (target is not null && !labels.ContainsKey(target))
                throw new LoweringNotSupportedException("a jump to a missing label");
            if (target is not null && labels[target] <= i)
                loops.Add(new LiveInterval(labels[target], i));
        }
        StretchOverLoops(Registers, loops);
        StretchOverLoops(Slots, loops);
        foreach (var slot in Slots.Keys.Where(s => s.LivesThroughout).ToList())
            Slots[slot] = new LiveInterval(0, Math.Max(0, function.Ops.Count - 1));
    }

    // Until nothing changes (loops nest): an interval that overlaps a loop without lying inside it covers the loop.
    private static void StretchOverLoops<T>(Dictionary<T, LiveInterval> intervals, List<LiveInterval> loops) where T : notnull
    {
        for (var changed = loops.Count > 0; changed;)
        {
            changed = false;
            foreach (var (key, interval) in intervals.ToList())
            {
                var stretched = interval;
                foreach (var loop in loops)
                {
                    if (stretched.Overlaps(loop) && (stretched.Start < loop.Start || stretched.End > loop.End))
                        stretched = stretched.Extend(loop.Start).Extend(loop.End);
                }
                if (stretched != interval)
                {
                    intervals[key] = stretched;
                    changed = true;
                }
            }
        }
    }

    /// <summary>Whether the register holds a value across a helper call (defined before it and used after).</summary>
    public bool CrossesCall(VReg register)
    {
        var interval = Registers[register];
        return Calls.Any(c => interval.Start < c && c < interval.End);
    }

    public static bool IsCall(IrOp op) => op is CallOp or MapLookupOp or MapUpdateOp or MapDeleteOp or OutputOp or OutputBufferOp or ReserveOp or SubmitOp
        or MapLookupPerCpuOp or MapWalkOp or LoopCallOp or DroppedUpdateOp or ClaimPeriodOp;

    private void Mention(VReg register, int position) =>
        Registers[register] = Registers.TryGetValue(register, out var l) ? l.Extend(position) : new(position, position);

    /// <summary>Hands every register and slot an operation mentions to the callbacks.</summary>
    public static void Visit(IrOp op, Action<VReg> register, Action<Slot> slot)
    {
        void Operand(Operand? operand)
        {
            switch (operand)
            {
                case VReg r:
                    register(r);
                    break;
                case StackAddress s:
                    slot(s.Slot);
                    break;
            }
        }
        void Address(Address address)
        {
            switch (address)
            {
                case PointerAddress p:
                    register(p.Base);
                    break;
                case SlotAddress s:
                    slot(s.Slot);
                    break;
            }
        }
        switch (op)
        {
            case MoveOp o:
                register(o.Dst);
                Operand(o.Src);
                break;
            case BinaryOp o:
                register(o.Dst);
                Operand(o.Left);
                Operand(o.Right);
                break;
            case UnaryOp o:
                register(o.Dst);
                Operand(o.Src);
                break;
            case LoadOp o:
                register(o.Dst);
                Address(o.From);
                break;
            case StoreOp o:
                Address(o.To);
                Operand(o.Value);
                break;
            case FillOp o:
                Address(o.To);
                break;
            case AddToOp o:
                Address(o.To);
                Operand(o.Value);
                break;
            case CopyOp o:
                Address(o.To);
                Address(o.From);
                break;
            case CallOp o:
                if (o.Dst is { } dst)
                    register(dst);
                foreach (var argument in o.Arguments)
                    Operand(argument);
                break;
            case MapLookupOp o:
                register(o.Dst);
                Operand(o.Key);
                break;
            case MapUpdateOp o:
                Operand(o.Key);
                Operand(o.Value);
                break;
            case MapDeleteOp o:
                Operand(o.Key);
                break;
            case OutputOp o:
                Operand(o.Data);
                break;
            case OutputBufferOp o:
                register(o.Data);
                register(o.Size);
                break;
            case MapLookupPerCpuOp o:
                register(o.Dst);
                Operand(o.Key);
                Operand(o.Cpu);
                break;
            case NextCpuOp o:
                register(o.Cpu);
                break;
            case MapWalkOp o:
                if (o.Dst is { } visited)
                    register(visited);
                Operand(o.Context);
                break;
            case LoopCallOp o:
                Operand(o.Count);
                Operand(o.Context);
                break;
            case ReserveOp o:
                register(o.Dst);
                break;
            case SubmitOp o:
                register(o.Record);
                break;
            case BranchOp o:
                Operand(o.Left);
                Operand(o.Right);
                break;
            case ReturnOp o:
                Operand(o.Value);
                break;
        }
    }
}
