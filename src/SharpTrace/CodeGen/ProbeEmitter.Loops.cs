using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Lowering;
using SharpTrace.Semantics;

namespace SharpTrace.CodeGen;

/// <summary>
/// Loops. A loop body is a callback subprogram: of bpf_for_each_map_elem for <c>for ($kv : @m)</c>, of bpf_loop for
/// <c>for ($i : a..b)</c>. Every $variable, loop variables included, has a slot in the probe's frame. Around a loop
/// the probe copies them into its entry of the per-CPU "loop_variables" array and back (see
/// <see cref="LoopVariables"/> for why); the body keeps that entry's address in r9 and addresses the variables
/// from it, so nested bodies share them too. The callback's context argument is the "loop frame" on the probe's
/// stack: the probe's context pointer (reloaded into r6, so builtins and tracepoint arguments work as in the
/// probe) and the entry's address. break returns 1 (stop), continue returns 0; exit() and return set the leave
/// flag after the variables and return 1, and whoever started the loop checks the flag and leaves in turn.
/// </summary>
internal sealed partial class ProbeEmitter
{
    private const Reg LoopVariablesRegister = Reg.R9;

    // Where the $variables are: r10 in the probe itself, r9 (the loop_variables entry) in a loop body.
    private Reg _variableBase = Reg.R10;
    private int _variableBias;
    private int _variablesSize;
    private int _loopFrame;
    private int _loopFramePointer; // in a loop body: the callback's stack slot holding the loop frame's address
    private Label? _break;
    private Label? _continue;

    private int VariableOffset(VariableSymbol variable) => _variableSlots[variable] - _variableBias;

    /// <summary>In the probe's prologue, if the probe has loops: the loop frame, with the context saved in it.</summary>
    private void AllocateLoopFrame()
    {
        if (!LoopVariables.HasLoops(_probe))
            return;
        _variablesSize = _stackUsed;
        if (_variablesSize != LoopVariables.AreaSize(_probe))
            throw new CompileException($"{_probe.Name}: the variables' layout does not match the loop_variables entry");
        _loopFrame = Allocate(16);
        Asm.Store(Size.U64, Reg.R10, (short)_loopFrame, Context);
    }

    /// <summary>Loop statements, break, continue and return; false for any other statement.</summary>
    private bool TryEmitLoopStatement(BoundStatement statement)
    {
        switch (statement)
        {
            case BoundForMap s:
                EmitForMap(s);
                return true;
            case BoundForRange s:
                EmitForRange(s);
                return true;
            case BoundWhile s:
                EmitWhile(s);
                return true;
            case BoundUnroll s:
                // A body that always leaves (break, return...) runs once: copies after it would be unreachable.
                for (var i = 0; i < (AlwaysExits(s.Body) ? 1 : s.Count); i++)
                    Scoped(() => EmitStatement(s.Body));
                return true;
            case BoundBreak:
                Asm.Jump(_break ?? throw new CompileException($"{_probe.Name}: break outside of a loop"));
                return true;
            case BoundContinue:
                Asm.Jump(_continue ?? throw new CompileException($"{_probe.Name}: continue outside of a loop"));
                return true;
            case BoundReturn:
                Asm.Jump(_exit);
                return true;
            default:
                return false;
        }
    }

    private void EmitForMap(BoundForMap s)
    {
        var callback = Asm.NewLabel("for_map_body");
        _subprograms.Add((callback, () => EmitLoopBody(s.Body, () => EmitMapEntryIntoVariable(s))));
        RunLoop(s.Body, s.Assigned, () => EmitMapWalk(s.Map, callback, () => LoopFramePointer(Reg.R3)));
    }

    private void EmitForRange(BoundForRange s)
    {
        var callback = Asm.NewLabel("for_range_body");
        _subprograms.Add((callback, () => EmitLoopBody(s.Body, () =>
        {
            // r1 = iteration index, r2 = the loop frame: $i = start + index.
            Asm.Store(Size.U64, Reg.R10, (short)_loopFramePointer, Reg.R2);
            Asm.Load(Size.U64, LoopVariablesRegister, Reg.R2, 8);
            Asm.Load(Size.U64, Reg.R2, LoopVariablesRegister, (short)VariableOffset(s.Start));
            Asm.Alu(AluOp.Add, Reg.R1, Reg.R2);
            Asm.Store(Size.U64, LoopVariablesRegister, (short)VariableOffset(s.Variable), Reg.R1);
        })));
        Scoped(() =>
        {
            var skip = Asm.NewLabel("for_range_empty");
            var count = Allocate(8);
            Scoped(() => EmitScalar(s.From));
            Asm.Store(Size.U64, _variableBase, (short)VariableOffset(s.Start), Reg.R0);
            Scoped(() => EmitScalar(s.To));
            Asm.Load(Size.U64, Reg.R1, _variableBase, (short)VariableOffset(s.Start));
            Asm.Alu(AluOp.Sub, Reg.R0, Reg.R1);
            Asm.JumpIf(JumpOp.Sle, Reg.R0, 0, skip);
            Asm.Store(Size.U64, Reg.R10, (short)count, Reg.R0);
            RunLoop(s.Body, s.Assigned, () =>
            {
                // bpf_loop runs nothing (and returns -E2BIG) for more than 1 << 23 iterations.
                Asm.Load(Size.U64, Reg.R1, Reg.R10, (short)count);
                Asm.LoadFunctionAddress(Reg.R2, callback);
                LoopFramePointer(Reg.R3);
                Asm.Mov(Reg.R4, 0);
                Asm.Call(HelperFunction.Loop);
            });
            Asm.Mark(skip);
        });
    }

    /// <summary>
    /// <c>while</c>, inline as bpftrace writes it: test, body, jump back. The verifier walks the iterations, so it
    /// accepts the loop only if it can see the loop end; $variables stay where they are (stack or loop_variables).
    /// </summary>
    private void EmitWhile(BoundWhile s)
    {
        var saved = (_break, _continue);
        var test = Asm.NewLabel("while");
        var end = Asm.NewLabel("endwhile");
        (_break, _continue) = (end, test);
        Asm.Mark(test);
        Scoped(() => EmitScalar(s.Condition));
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, end);
        Scoped(() => EmitStatement(s.Body));
        if (!AlwaysExits(s.Body))
            Asm.Jump(test);
        Asm.Mark(end);
        (_break, _continue) = saved;
    }

    /// <summary>
    /// Runs a loop helper call. From the probe itself: the variables go to the loop_variables entry first, and those
    /// the body assigns come back after (the others keep what the verifier knows of them, so a while around the
    /// loop can still see its counter). Either way, if the body can leave the probe, leave when it did.
    /// </summary>
    private void RunLoop(BoundBlock body, IReadOnlySet<VariableSymbol> assigned, Action call)
    {
        var canLeave = LoopVariables.Contains(body, x => x is BoundExit or BoundReturn, intoLoops: true);
        if (_variableBase != Reg.R10)
        {
            call();
            if (canLeave)
            {
                Asm.Load(Size.U64, Reg.R1, LoopVariablesRegister, (short)_variablesSize);
                Asm.JumpIf(JumpOp.Ne, Reg.R1, 0, _exit);
            }
            return;
        }
        var skip = Asm.NewLabel("loop_skipped");
        Scoped(() =>
        {
            var key = Allocate(8);
            Asm.StoreImm(Size.U64, Reg.R10, (short)key, _maps.LoopVariablesEntry(_probe));
            Asm.LoadMapFd(Reg.R1, _maps.LoopVariablesMap!);
            FramePointer(Reg.R2, key);
            Asm.Call(HelperFunction.MapLookupElem);
        });
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, skip);
        Asm.Store(Size.U64, Reg.R10, (short)(_loopFrame + 8), Reg.R0);
        for (var i = 0; i < _variablesSize; i += 8)
        {
            Asm.Load(Size.U64, Reg.R1, Reg.R10, (short)(i - _variablesSize));
            Asm.Store(Size.U64, Reg.R0, (short)i, Reg.R1);
        }
        Asm.StoreImm(Size.U64, Reg.R0, (short)_variablesSize, 0);
        call();
        Asm.Load(Size.U64, Reg.R2, Reg.R10, (short)(_loopFrame + 8));
        foreach (var variable in _probe.Variables.Where(assigned.Contains))
        {
            var slot = _variableSlots[variable];
            for (var i = slot; i < slot + TupleType.Align8(Math.Max(variable.Type.Size, 1)); i += 8)
            {
                Asm.Load(Size.U64, Reg.R1, Reg.R2, (short)(i + _variablesSize));
                Asm.Store(Size.U64, Reg.R10, (short)i, Reg.R1);
            }
        }
        if (canLeave)
        {
            Asm.Load(Size.U64, Reg.R1, Reg.R2, (short)_variablesSize);
            Asm.JumpIf(JumpOp.Ne, Reg.R1, 0, _exit);
        }
        Asm.Mark(skip);
    }

    private void LoopFramePointer(Reg dst)
    {
        if (_variableBase == Reg.R10)
            FramePointer(dst, _loopFrame);
        else
            Asm.Load(Size.U64, dst, Reg.R10, (short)_loopFramePointer);
    }

    /// <summary>
    /// A loop body as a callback subprogram: its own stack frame, $variables through r9, and exits of its own for
    /// falling off the end or continue (0: go on), break (1: stop) and leaving the probe (flag set, then 1).
    /// The prologue must save the loop frame's address in <see cref="_loopFramePointer"/> and load r9.
    /// </summary>
    private void EmitLoopBody(BoundBlock body, Action prologue)
    {
        var saved = (_stackUsed, _variableBase, _variableBias, _loopFramePointer, _exit, _break, _continue);
        (_stackUsed, _variableBase, _variableBias) = (0, LoopVariablesRegister, -_variablesSize);
        _loopFramePointer = Allocate(8);
        (_exit, _break, _continue) = (Asm.NewLabel("leave_probe"), Asm.NewLabel("break"), Asm.NewLabel("continue"));
        prologue();
        Asm.Load(Size.U64, Reg.R1, Reg.R10, (short)_loopFramePointer);
        Asm.Load(Size.U64, Context, Reg.R1, 0);
        EmitStatement(body);
        if (!AlwaysExits(body))
            Return(0);
        if (LoopVariables.Contains(body, x => x is BoundContinue, intoLoops: false))
        {
            Asm.Mark(_continue);
            Return(0);
        }
        if (LoopVariables.Contains(body, x => x is BoundBreak, intoLoops: false))
        {
            Asm.Mark(_break);
            Return(1);
        }
        if (LoopVariables.Contains(body, x => x is BoundExit or BoundReturn, intoLoops: true))
        {
            Asm.Mark(_exit);
            Asm.StoreImm(Size.U64, LoopVariablesRegister, (short)_variablesSize, 1);
            Return(1);
        }
        (_stackUsed, _variableBase, _variableBias, _loopFramePointer, _exit, _break, _continue) = saved;
    }

    private void Return(int value)
    {
        Asm.Mov(Reg.R0, value);
        Asm.Exit();
    }

    /// <summary>
    /// bpf_for_each_map_elem's callback arguments: r1 = map, r2 = key, r3 = value, r4 = the loop frame.
    /// $kv = (key, value); a count, sum, min or max reads as its total over all CPUs (the walk hands over only this
    /// CPU's slot of a per-CPU map).
    /// </summary>
    private void EmitMapEntryIntoVariable(BoundForMap s)
    {
        Asm.Store(Size.U64, Reg.R10, (short)_loopFramePointer, Reg.R4);
        Asm.Load(Size.U64, LoopVariablesRegister, Reg.R4, 8);
        Asm.Mov(Reg.R7, Reg.R2);
        Asm.Mov(Reg.R8, Reg.R3);
        var entry = VariableOffset(s.Variable);
        var valueOffset = entry + ((TupleType)s.Variable.Type).OffsetOf(1);
        if (s.Map.IsPerCpuArray)
        {
            // Only the elements some CPU marked present are entries; the u32 index widens to the 8-byte key.
            var present = Asm.NewLabel("for_present");
            EmitAnyCpuPresent(s.Map, () => Asm.Mov(Reg.R2, Reg.R7), Reg.R6, present);
            Return(0);
            Asm.Mark(present);
            Asm.Load(Size.U32, Reg.R1, Reg.R7, 0);
            Asm.Store(Size.U64, LoopVariablesRegister, (short)entry, Reg.R1);
        }
        else
        {
            for (var i = 0; i < s.Map.KeySize; i += 8)
            {
                Asm.Load(Size.U64, Reg.R1, Reg.R7, (short)i);
                Asm.Store(Size.U64, LoopVariablesRegister, (short)(entry + i), Reg.R1);
            }
        }
        if (s.Map.ValueType is AggregationType aggregation)
        {
            EmitAllCpusValue(s.Map, aggregation.Kind);
            Asm.Store(Size.U64, LoopVariablesRegister, (short)valueOffset, Reg.R8);
            return;
        }
        for (var i = 0; i < TupleType.Align8(s.Map.ValueType!.Size); i += 8)
        {
            Asm.Load(Size.U64, Reg.R1, Reg.R8, (short)i);
            Asm.Store(Size.U64, LoopVariablesRegister, (short)(valueOffset + i), Reg.R1);
        }
    }

    /// <summary>
    /// r8 = the value of the entry whose key r7 points at, combined over every CPU's slot: the sum for count and
    /// sum; the least or greatest of the slots that hold a value for min and max (0 if none does).
    /// </summary>
    private void EmitAllCpusValue(MapSymbol map, AggregationKind kind)
    {
        var isExtremum = kind is AggregationKind.Min or AggregationKind.Max;
        var anySet = isExtremum ? Allocate(8) : 0;
        Asm.Mov(Reg.R8, 0);
        if (isExtremum)
            Asm.StoreImm(Size.U64, Reg.R10, (short)anySet, 0);
        EmitForEachCpuSlot(map, () => Asm.Mov(Reg.R2, Reg.R7), Reg.R6, "all", next =>
        {
            if (!isExtremum)
            {
                Asm.Load(Size.U64, Reg.R1, Reg.R0, 0);
                Asm.Alu(AluOp.Add, Reg.R8, Reg.R1);
                return;
            }
            var take = Asm.NewLabel("take_cpu");
            Asm.Load(Size.U64, Reg.R1, Reg.R0, 8);
            Asm.JumpIf(JumpOp.Eq, Reg.R1, 0, next);
            Asm.Load(Size.U64, Reg.R1, Reg.R0, 0);
            Asm.Load(Size.U64, Reg.R2, Reg.R10, (short)anySet);
            Asm.JumpIf(JumpOp.Eq, Reg.R2, 0, take);
            Asm.JumpIf(kind == AggregationKind.Min ? JumpOp.Slt : JumpOp.Sgt, Reg.R1, Reg.R8, take);
            Asm.Jump(next);
            Asm.Mark(take);
            Asm.Mov(Reg.R8, Reg.R1);
            Asm.StoreImm(Size.U64, Reg.R10, (short)anySet, 1);
        });
    }

    /// <summary><c>$x = value</c>; in a loop body the variable is in the probe's frame, so the value is built here first.</summary>
    private void EmitVariableAssign(BoundVariableAssign s)
    {
        var size = s.Variable.Type.Size;
        if (_variableBase == Reg.R10)
        {
            EmitValue(s.Value, _variableSlots[s.Variable], size);
            return;
        }
        if (s.Value.Type.IsInteger)
        {
            EmitScalar(s.Value);
            Asm.Store(size >= 8 ? Size.U64 : SizeOf(size), _variableBase, (short)VariableOffset(s.Variable), Reg.R0);
            return;
        }
        Scoped(() =>
        {
            var value = Allocate(size);
            ZeroFill(value, size);
            EmitValue(s.Value, value, size);
            for (var i = 0; i < TupleType.Align8(size); i += 8)
            {
                Asm.Load(Size.U64, Reg.R1, Reg.R10, (short)(value + i));
                Asm.Store(Size.U64, _variableBase, (short)(VariableOffset(s.Variable) + i), Reg.R1);
            }
        });
    }

    /// <summary>
    /// Where a tuple element is: in a variable (at an offset from the variable base), or, for any other tuple, in a
    /// stack buffer the tuple is built into first.
    /// </summary>
    private (Reg Base, int Offset) ElementAddress(BoundTupleElement element)
    {
        switch (element.Tuple)
        {
            case BoundVariableRead read:
                return (_variableBase, VariableOffset(read.Variable) + element.Offset);
            case BoundTupleElement inner:
            {
                var (register, offset) = ElementAddress(inner);
                return (register, offset + element.Offset);
            }
            default:
            {
                var size = element.Tuple.Type.Size;
                var buffer = Allocate(size);
                ZeroFill(buffer, size);
                EmitValue(element.Tuple, buffer, size);
                return (Reg.R10, buffer + element.Offset);
            }
        }
    }

    private void EmitTupleElementScalar(BoundTupleElement element) => Scoped(() =>
    {
        var (register, offset) = ElementAddress(element);
        var bytes = Math.Min(8, element.Type.Size);
        Asm.Load(SizeOf(bytes), Reg.R0, register, (short)offset);
        if (element.Type is IntegerType { IsSigned: true, Bytes: < 8 } signed)
        {
            Asm.Alu(AluOp.Lsh, Reg.R0, 64 - signed.Bytes * 8);
            Asm.Alu(AluOp.Arsh, Reg.R0, 64 - signed.Bytes * 8);
        }
    });

    private void EmitTupleElementInto(BoundTupleElement element, int frameOffset, int size) => Scoped(() =>
    {
        if (size > element.Type.Size)
            ZeroFill(frameOffset, size);
        var (register, offset) = ElementAddress(element);
        Copy(register, offset, frameOffset, Math.Min(size, element.Type.Size));
    });

    /// <summary><c>$x++</c> as a value: update, read back, and for the postfix forms undo the step in r0.</summary>
    private void EmitIncrement(BoundIncrement increment)
    {
        Scoped(() => EmitStatement(increment.Update));
        EmitScalar(increment.Read);
        if (!increment.IsPrefix)
            Asm.Alu(increment.IsIncrement ? AluOp.Sub : AluOp.Add, Reg.R0, 1);
    }
}
