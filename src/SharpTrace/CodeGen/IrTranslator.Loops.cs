using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Lowering;

namespace SharpTrace.CodeGen;

/// <summary>The address of a callback subprogram, as a helper's argument (bpf_for_each_map_elem, bpf_loop).</summary>
internal sealed record FunctionAddress(Label Label) : Operand;

/// <summary>
/// The callbacks of one program: each gets a label the first time an operation names it, and is translated once,
/// after the probe, as a subprogram with its own registers and frame.
/// </summary>
internal sealed class CallbackTable(Assembler asm)
{
    private readonly Dictionary<IrCallback, Label> _labels = new(ReferenceEqualityComparer.Instance);
    private readonly List<IrCallback> _pending = [];

    public Label LabelOf(IrCallback callback)
    {
        if (!_labels.TryGetValue(callback, out var label))
        {
            _labels[callback] = label = asm.NewLabel(callback.Body.Name);
            _pending.Add(callback);
        }
        return label;
    }

    /// <summary>The next callback named but not translated yet, if any.</summary>
    public IrCallback? TakePending()
    {
        if (_pending.Count == 0)
            return null;
        var next = _pending[0];
        _pending.RemoveAt(0);
        return next;
    }
}

/// <summary>Per-CPU loops, map walks and bpf_loop calls, and the callbacks they name.</summary>
internal sealed partial class IrTranslator
{
    private readonly CallbackTable _callbacks;

    /// <summary>Translates every callback the program named (callbacks may name more) after its code.</summary>
    private static void EmitCallbacks(LoweredProgram program, Assembler asm, CallbackTable callbacks, ScratchSpace scratch)
    {
        while (callbacks.TakePending() is { } callback)
        {
            asm.Mark(callbacks.LabelOf(callback));
            new IrTranslator(callback.Body, program, asm, callbacks, scratch, callback.Parameters).EmitFunction();
        }
    }

    /// <summary>
    /// A load into a register, or a copy into a slot, that nothing reads afterwards (a loop body loads every
    /// $variable on entry; the ones it does not use cost nothing).
    /// </summary>
    private bool IsDeadCopy(IrOp op) => op switch
    {
        LoadOp o => o.From is not PointerAddress { Base: var b } || b != o.Dst ? IsOnlyHere(_liveness.Registers[o.Dst]) : false,
        CopyOp { To: SlotAddress to } => IsOnlyHere(_liveness.Slots[to.Slot]),
        _ => false,
    };

    private bool IsOnlyHere(LiveInterval interval) => interval.Start == _position && interval.End == _position;

    private bool TryEmitLoopOp(IrOp op)
    {
        switch (op)
        {
            case MapLookupPerCpuOp o:
                EmitCall(HelperFunction.MapLookupPercpuElem, [new MapHandle(o.Map), o.Key, o.Cpu]);
                Define(o.Dst, Reg.R0);
                return true;
            case NextCpuOp o:
                EmitNextCpu(o);
                return true;
            case MapWalkOp o:
                EmitCallback(HelperFunction.ForEachMapElem, new MapHandle(o.Map), o.Callback, o.Context);
                if (o.Dst is { } visited)
                    Define(visited, Reg.R0);
                return true;
            case LoopCallOp o:
                EmitCallback(HelperFunction.Loop, o.Count, o.Callback, o.Context);
                return true;
            case DroppedUpdateOp o:
            {
                var counted = Asm.NewLabel("dropped");
                EmitIncrementCounter(_program.DroppedUpdates, o.Map.DroppedIndex, counted);
                Asm.Mark(counted);
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>
    /// The per-CPU loop's back edge. The bound is a constant the verifier follows (it walks each CPU's iteration),
    /// the number of possible CPUs of this machine, known when the program is loaded.
    /// </summary>
    private void EmitNextCpu(NextCpuOp o)
    {
        var cpu = Target(o.Cpu);
        Materialize(o.Cpu, cpu);
        Asm.Alu(AluOp.Add, cpu, 1);
        Define(o.Cpu, cpu);
        Asm.JumpIf(Bpf.JumpOp.Lt, cpu, BpfMap.PossibleCpuCount, LabelOf(o.Head));
    }

    /// <summary>A helper that calls back: (first, the callback's address, context, flags 0).</summary>
    private void EmitCallback(HelperFunction helper, Operand first, IrCallback callback, Operand context) =>
        EmitCall(helper, [first, new FunctionAddress(_callbacks.LabelOf(callback)), context, new Imm(0)]);
}
