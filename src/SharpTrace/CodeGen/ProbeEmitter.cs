using SharpTrace.Bpf;
using SharpTrace.Records;
using SharpTrace.Semantics;

namespace SharpTrace.CodeGen;

/// <summary>
/// Emits the eBPF code of one probe from its bound tree.
/// Integer expressions are evaluated into r0; a binary operation spills its left operand to a stack slot while
/// the right one is evaluated, so helper calls anywhere in an expression are safe. Strings and tuples are built
/// in stack buffers. r6 holds the probe's context for the whole program; r9 points at the probe's $variables in
/// loop bodies (ProbeEmitter.Loops.cs).
/// </summary>
internal sealed partial class ProbeEmitter
{
    private const int StackLimit = 512;
    private const int BpfAny = 0;
    private const int BpfNoExist = 1;

    private readonly BoundProbe _probe;
    private readonly ProgramMaps _maps;
    private readonly Dictionary<VariableSymbol, int> _variableSlots = [];
    private Label _exit;
    private readonly List<(Label Label, Action Emit)> _subprograms = [];
    private Label? _clearCallback;
    private int _stackUsed;

    private ProbeEmitter(BoundProbe probe, ProgramMaps maps)
    {
        _probe = probe;
        _maps = maps;
        _exit = Asm.NewLabel("exit");
    }

    public Assembler Asm { get; } = new();

    /// <summary>The register holding the probe's context (pt_regs, the tracepoint record, the raw argument array).</summary>
    internal const Reg Context = Reg.R6;

    /// <summary>The kind of probe being emitted; builtins read the context according to it.</summary>
    internal Semantics.ProbeKind Kind => _probe.Kind;

    /// <summary>Compiles one probe to an assembled (not yet linked) program.</summary>
    public static AssembledProgram Emit(BoundProbe probe, ProgramMaps maps)
    {
        var emitter = new ProbeEmitter(probe, maps);
        emitter.EmitProbe();
        return emitter.Asm.Assemble();
    }

    private void EmitProbe()
    {
        Asm.Mov(Reg.R6, Reg.R1);
        foreach (var variable in _probe.Variables)
        {
            var slot = Allocate(variable.Type.Size);
            _variableSlots[variable] = slot;
            ZeroFill(slot, variable.Type.Size);
        }
        AllocateLoopFrame();
        if (_probe.Predicate is { } predicate)
        {
            EmitScalar(predicate);
            Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, _exit);
        }
        EmitStatement(_probe.Body);
        Asm.Mark(_exit);
        Asm.Mov(Reg.R0, 0);
        Asm.Exit();
        // Emitting a loop body can add subprograms (nested loops, clear() in the body).
        for (var i = 0; i < _subprograms.Count; i++)
        {
            Asm.Mark(_subprograms[i].Label);
            _subprograms[i].Emit();
        }
    }

    // ---- Stack -------------------------------------------------------------------------------------------

    /// <summary>Reserves an 8-byte aligned stack buffer and returns its offset from r10 (negative).</summary>
    internal int Allocate(int size)
    {
        _stackUsed += TupleType.Align8(Math.Max(size, 1));
        if (_stackUsed > StackLimit)
            throw new CompileException($"{_probe.Name}: the probe needs more than {StackLimit} bytes of BPF stack");
        return -_stackUsed;
    }

    /// <summary>Runs <paramref name="emit"/> and frees the stack it allocated afterwards.</summary>
    internal void Scoped(Action emit)
    {
        var mark = _stackUsed;
        emit();
        _stackUsed = mark;
    }

    internal void FramePointer(Reg dst, int frameOffset)
    {
        Asm.Mov(dst, Reg.R10);
        Asm.Alu(AluOp.Add, dst, frameOffset);
    }

    internal void ZeroExtend32(Reg reg)
    {
        Asm.Alu(AluOp.Lsh, reg, 32);
        Asm.Alu(AluOp.Rsh, reg, 32);
    }

    internal void ZeroFill(int frameOffset, int size)
    {
        for (var i = 0; i < TupleType.Align8(size); i += 8)
            Asm.StoreImm(Size.U64, Reg.R10, (short)(frameOffset + i), 0);
    }

    /// <summary>Copies <paramref name="size"/> bytes from <c>[src + srcOffset]</c> to the stack at <paramref name="frameOffset"/>.</summary>
    internal void Copy(Reg src, int srcOffset, int frameOffset, int size)
    {
        var done = 0;
        foreach (var (width, bytes) in new[] { (Size.U64, 8), (Size.U32, 4), (Size.U16, 2), (Size.U8, 1) })
        {
            for (; size - done >= bytes; done += bytes)
            {
                Asm.Load(width, Reg.R1, src, (short)(srcOffset + done));
                Asm.Store(width, Reg.R10, (short)(frameOffset + done), Reg.R1);
            }
        }
    }

    // ---- Statements --------------------------------------------------------------------------------------

    private void EmitStatement(BoundStatement statement)
    {
        switch (statement)
        {
            case BoundBlock block:
                foreach (var s in block.Statements)
                {
                    Scoped(() => EmitStatement(s));
                    if (AlwaysExits(s))
                        break; // the verifier rejects unreachable instructions
                }
                break;
            case BoundIf s:
                EmitIf(s);
                break;
            case BoundExpressionStatement s:
                Scoped(() => EmitDiscarded(s.Expression));
                break;
            case BoundVariableAssign s:
                EmitVariableAssign(s);
                break;
            case BoundMapAssign s:
                EmitMapAssign(s);
                break;
            case BoundAggregate s:
                EmitAggregate(s);
                break;
            case BoundPrintf s:
                EmitPrintf(s);
                break;
            case BoundPrintMap s:
                EmitPrintSnapshot(s);
                break;
            case BoundExit:
                EmitRecord(_maps.ExitAction, []);
                Asm.Jump(_exit);
                break;
            case BoundDelete s:
                EmitDelete(s.Map, s.Keys);
                break;
            case BoundClear s:
                EmitClear(s.Map);
                break;
            case BoundZero s:
                EmitZero(s.Map);
                break;
            default:
                if (!TryEmitLoopStatement(statement))
                    throw new CompileException($"{_probe.Name}: cannot generate code for {statement.GetType().Name}");
                break;
        }
    }

    /// <summary>Whether control never continues after the statement (it ends in exit() on every path).</summary>
    private static bool AlwaysExits(BoundStatement statement) => statement switch
    {
        BoundExit or BoundReturn or BoundBreak or BoundContinue => true,
        BoundBlock block => block.Statements.Any(AlwaysExits),
        BoundIf s => s.Else is not null && AlwaysExits(s.Then) && AlwaysExits(s.Else),
        BoundUnroll s => AlwaysExits(s.Body),
        _ => false,
    };

    private void EmitDiscarded(BoundExpression expression)
    {
        if (expression is Builtins.BoundBuiltinCall { Type: VoidType } call)
            call.EmitStatement(this);
        else if (expression.Type.IsInteger)
            EmitScalar(expression);
        else
            EmitValue(expression, Allocate(expression.Type.Size), expression.Type.Size);
    }

    private void EmitIf(BoundIf s)
    {
        var otherwise = Asm.NewLabel("else");
        var end = Asm.NewLabel("endif");
        Scoped(() => EmitScalar(s.Condition));
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, otherwise);
        Scoped(() => EmitStatement(s.Then));
        if (!AlwaysExits(s.Then))
            Asm.Jump(end);
        Asm.Mark(otherwise);
        if (s.Else is { } elseBranch)
            Scoped(() => EmitStatement(elseBranch));
        Asm.Mark(end);
    }

    /// <summary>Builds a map key on the stack; hist and lhist keys leave room for the bucket after it.</summary>
    internal int EmitKey(MapSymbol map, IReadOnlyList<BoundExpression> keys)
    {
        var key = Allocate(map.StoredKeySize);
        if (IsHistogram(map))
            ZeroFill(key, map.StoredKeySize); // callbacks compare the whole key, so every byte must be written
        if (keys.Count == 0)
        {
            Asm.StoreImm(Size.U64, Reg.R10, (short)key, 0);
            return key;
        }
        for (var i = 0; i < keys.Count; i++)
            EmitValue(keys[i], key + map.KeyOffset(i), map.KeyTypes![i].Size);
        if (map.IsPerCpuArray)
            ClampArrayIndex(map, key);
        return key;
    }

    /// <summary>
    /// A per-CPU array reads its u32 index from the low half of the 8-byte key. An index outside 0..N-1 (as a
    /// 64-bit unsigned number, so -1 or 1 &lt;&lt; 32 do not wrap onto a valid one) becomes 0xffffffff, which no array
    /// holds: lookups find nothing, and an update counts as dropped.
    /// </summary>
    private void ClampArrayIndex(MapSymbol map, int key)
    {
        var inRange = Asm.NewLabel("index_in_range");
        Asm.Load(Size.U64, Reg.R1, Reg.R10, (short)key);
        Asm.JumpIf(JumpOp.Lt, Reg.R1, _maps.Definition(map).MaxEntries, inRange);
        Asm.StoreImm(Size.U32, Reg.R10, (short)key, -1);
        Asm.Mark(inRange);
    }

    internal void CallMap(HelperFunction helper, MapSymbol map, int key, int? value = null, int flags = BpfAny)
    {
        Asm.LoadMapFd(Reg.R1, _maps.For(map));
        FramePointer(Reg.R2, key);
        if (value is int v)
        {
            FramePointer(Reg.R3, v);
            Asm.Mov(Reg.R4, flags);
        }
        Asm.Call(helper);
    }

    private void EmitMapAssign(BoundMapAssign s)
    {
        var valueSize = s.Map.ValueType!.Size;
        var value = Allocate(valueSize);
        EmitValue(s.Value, value, valueSize);
        var key = EmitKey(s.Map, s.Keys);
        CallMap(HelperFunction.MapUpdateElem, s.Map, key, value);
        CountDroppedUpdate(s.Map);
    }

    private void EmitDelete(MapSymbol map, IReadOnlyList<BoundExpression> keys)
    {
        if (map.IsPerCpuArray)
        {
            EmitArrayDelete(map, keys);
            return;
        }
        if (IsHistogram(map))
        {
            EmitHistogramDelete(map, keys);
            return;
        }
        var key = EmitKey(map, keys);
        CallMap(HelperFunction.MapDeleteElem, map, key);
    }

    /// <summary>
    /// Removes every entry now, in the kernel: a scalar map deletes its one key; a keyed map walks itself with
    /// bpf_for_each_map_elem and a callback that deletes each element it is handed.
    /// </summary>
    private void EmitClear(MapSymbol map)
    {
        if (map.IsPerCpuArray)
        {
            EmitArrayClear(map);
            return;
        }
        if ((map.IsScalar || map.KeyTypes is null) && !IsHistogram(map))
        {
            EmitDelete(map, []);
            return;
        }
        if (_clearCallback is null)
        {
            _clearCallback = Asm.NewLabel("clear_callback");
            _subprograms.Add((_clearCallback, () =>
            {
                // r1 = map, r2 = key: exactly bpf_map_delete_elem's arguments.
                Asm.Call(HelperFunction.MapDeleteElem);
                Asm.Mov(Reg.R0, 0);
                Asm.Exit();
            }));
        }
        EmitMapWalk(map, _clearCallback);
    }

    private void EmitPrintf(BoundPrintf s) => EmitRecord(s.Action, s.Arguments);

    /// <summary>Builds an output record (action id, then each argument where the action's layout puts it) and sends it to the ring buffer.</summary>
    internal void EmitRecord(int actionId, IReadOnlyList<BoundExpression> arguments)
    {
        var layout = _maps.Actions[actionId].Layout;
        var size = layout.Size;
        var record = Allocate(size);
        ZeroFill(record, size);
        Asm.StoreImm(Size.U64, Reg.R10, (short)record, actionId);
        for (var i = 0; i < arguments.Count; i++)
            EmitValue(arguments[i], record + layout.Fields[i].Offset, layout.Fields[i].Size);
        Asm.LoadMapFd(Reg.R1, _maps.RingBuffer);
        FramePointer(Reg.R2, record);
        Asm.Mov(Reg.R3, size);
        Asm.Mov(Reg.R4, 0);
        Asm.Call(HelperFunction.RingbufOutput);
        var sent = Asm.NewLabel("sent");
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, sent);
        CountLostEvent();
        Asm.Mark(sent);
    }

    /// <summary>
    /// Reserves <paramref name="size"/> bytes of the ring buffer: r0 points at them after this code; when the buffer is
    /// full the event is counted as lost and the code jumps to <paramref name="whenFull"/>.
    /// </summary>
    internal void EmitReserveOrCountLost(int size, string labelHint, Label whenFull)
    {
        var reserved = Asm.NewLabel(labelHint);
        Asm.LoadMapFd(Reg.R1, _maps.RingBuffer);
        Asm.Mov(Reg.R2, size);
        Asm.Mov(Reg.R3, 0);
        Asm.Call(HelperFunction.RingbufReserve);
        Asm.JumpIf(JumpOp.Ne, Reg.R0, 0, reserved);
        CountLostEvent();
        Asm.Jump(whenFull);
        Asm.Mark(reserved);
    }

    /// <summary>
    /// Reserves a ring buffer record of <paramref name="size"/> bytes (for records larger than the stack, such as
    /// join()'s), writes the action id, lets <paramref name="fill"/> write the rest through the record pointer in
    /// <see cref="RecordRegister"/>, and submits it. A record the ring buffer refuses counts as a lost event.
    /// <paramref name="fill"/> may call helpers but must leave <see cref="RecordRegister"/> alone.
    /// </summary>
    internal void EmitReservedRecord(int actionId, int size, Action fill)
    {
        var done = Asm.NewLabel("record_done");
        EmitReserveOrCountLost(size, "record_reserved", done);
        Asm.Mov(RecordRegister, Reg.R0);
        Asm.StoreImm(Size.U64, RecordRegister, 0, actionId);
        fill();
        Asm.Mov(Reg.R1, RecordRegister);
        Asm.Mov(Reg.R2, 0);
        Asm.Call(HelperFunction.RingbufSubmit);
        Asm.Mark(done);
    }

    /// <summary>The register holding a reserved record while <see cref="EmitReservedRecord"/> fills it (callee-saved).</summary>
    internal const Reg RecordRegister = Reg.R7;

    private void CountLostEvent()
    {
        var key = Allocate(4);
        Asm.StoreImm(Size.U32, Reg.R10, (short)key, 0);
        Asm.LoadMapFd(Reg.R1, _maps.LostEvents);
        FramePointer(Reg.R2, key);
        Asm.Call(HelperFunction.MapLookupElem);
        var done = Asm.NewLabel("lost_done");
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, done);
        Asm.Load(Size.U64, Reg.R1, Reg.R0, 0);
        Asm.Alu(AluOp.Add, Reg.R1, 1);
        Asm.Store(Size.U64, Reg.R0, 0, Reg.R1);
        Asm.Mark(done);
    }

    // ---- Expressions -------------------------------------------------------------------------------------

    /// <summary>Writes the value of <paramref name="e"/> into a stack buffer of <paramref name="size"/> bytes.</summary>
    internal void EmitValue(BoundExpression e, int frameOffset, int size)
    {
        if (e.Type.IsInteger)
        {
            EmitScalar(e);
            Asm.Store(size >= 8 ? Size.U64 : SizeOf(size), Reg.R10, (short)frameOffset, Reg.R0);
            return;
        }
        switch (e)
        {
            case BoundStringLiteral literal:
                EmitStringLiteral(literal.Bytes, frameOffset, size);
                break;
            case BoundBuiltinVariable builtin:
                if (size > builtin.Type.Size)
                    ZeroFill(frameOffset, size);
                ((Builtins.BuiltinVariable)builtin.Builtin).EmitInto(this, frameOffset);
                break;
            case BoundTracepointField { Field.IsDataLoc: true } field:
                // A __data_loc field holds the string's length (high 16 bits) and its offset from the
                // start of the record (low 16 bits); the record is the context.
                ZeroFill(frameOffset, size);
                Asm.Load(Size.U32, Reg.R3, Reg.R6, (short)field.Field.Offset);
                Asm.Alu(AluOp.And, Reg.R3, 0xffff);
                Asm.Alu(AluOp.Add, Reg.R3, Reg.R6);
                FramePointer(Reg.R1, frameOffset);
                Asm.Mov(Reg.R2, Math.Min(size, field.Type.Size));
                Asm.Call(HelperFunction.ProbeReadKernelStr);
                break;
            case BoundTracepointField field:
                if (size > field.Type.Size)
                    ZeroFill(frameOffset, size);
                FramePointer(Reg.R1, frameOffset);
                Asm.Mov(Reg.R2, Math.Min(size, field.Type.Size));
                Asm.Mov(Reg.R3, Reg.R6);
                Asm.Alu(AluOp.Add, Reg.R3, field.Field.Offset);
                Asm.Call(HelperFunction.ProbeReadKernel);
                break;
            case BoundStr str:
                EmitStr(str, frameOffset, size);
                break;
            case BoundMemoryRead read:
                EmitMemoryInto(read, frameOffset, size);
                break;
            case Builtins.BoundBuiltinCall call:
                call.EmitInto(this, frameOffset);
                break;
            case BoundVariableRead read:
                Copy(_variableBase, VariableOffset(read.Variable), frameOffset, Math.Min(size, read.Type.Size));
                break;
            case BoundTupleElement element:
                EmitTupleElementInto(element, frameOffset, size);
                break;
            case BoundMapRead read:
                EmitMapReadInto(read, frameOffset, size);
                break;
            case BoundTuple tuple:
                for (var i = 0; i < tuple.Elements.Count; i++)
                    EmitValue(tuple.Elements[i], frameOffset + tuple.TupleType.OffsetOf(i), tuple.TupleType.Elements[i].Size);
                break;
            case BoundTernary ternary:
            {
                var otherwise = Asm.NewLabel("else");
                var end = Asm.NewLabel("end");
                Scoped(() => EmitScalar(ternary.Condition));
                Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, otherwise);
                Scoped(() => EmitValue(ternary.WhenTrue, frameOffset, size));
                Asm.Jump(end);
                Asm.Mark(otherwise);
                Scoped(() => EmitValue(ternary.WhenFalse, frameOffset, size));
                Asm.Mark(end);
                break;
            }
            default:
                throw new CompileException($"{_probe.Name}: cannot generate code for a {e.Type} value of {e.GetType().Name}");
        }
    }

    private static Size SizeOf(int bytes) => bytes switch
    {
        1 => Size.U8,
        2 => Size.U16,
        4 => Size.U32,
        _ => Size.U64,
    };

    private void EmitStringLiteral(byte[] encoded, int frameOffset, int size)
    {
        var bytes = new byte[TupleType.Align8(size)];
        Array.Copy(encoded, bytes, Math.Min(encoded.Length, size - 1));
        for (var i = 0; i < bytes.Length; i += 8)
        {
            var chunk = BitConverter.ToInt64(bytes, i);
            if (chunk == 0)
                Asm.StoreImm(Size.U64, Reg.R10, (short)(frameOffset + i), 0);
            else
            {
                Asm.LoadImm64(Reg.R1, chunk);
                Asm.Store(Size.U64, Reg.R10, (short)(frameOffset + i), Reg.R1);
            }
        }
    }

    private void EmitStr(BoundStr str, int frameOffset, int size)
    {
        ZeroFill(frameOffset, size);
        var capacity = Math.Min(size, str.StringType.Capacity);
        var length = 0;
        if (str.Length is { } lengthExpression)
        {
            // Clamp the requested length to [0, capacity] so the verifier sees a bounded size.
            length = Allocate(8);
            EmitScalar(lengthExpression);
            var clamp = Asm.NewLabel("clamp");
            var ok = Asm.NewLabel("len_ok");
            Asm.JumpIf(JumpOp.Gt, Reg.R0, capacity, clamp);
            Asm.Jump(ok);
            Asm.Mark(clamp);
            Asm.Mov(Reg.R0, capacity);
            Asm.Mark(ok);
            Asm.Store(Size.U64, Reg.R10, (short)length, Reg.R0);
        }
        EmitScalar(str.Pointer);
        Asm.Mov(Reg.R3, Reg.R0);
        FramePointer(Reg.R1, frameOffset);
        if (str.Length is null)
            Asm.Mov(Reg.R2, capacity);
        else
            Asm.Load(Size.U64, Reg.R2, Reg.R10, (short)length);
        Asm.Call(str.FromUserSpace switch
        {
            true => HelperFunction.ProbeReadUserStr,
            false => HelperFunction.ProbeReadKernelStr,
            null => HelperFunction.ProbeReadStr,
        });
    }

    private void EmitMapReadInto(BoundMapRead read, int frameOffset, int size)
    {
        var key = EmitKey(read.Map, read.Keys);
        CallMap(HelperFunction.MapLookupElem, read.Map, key);
        var missing = Asm.NewLabel("missing");
        var end = Asm.NewLabel("end");
        Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, missing);
        Copy(Reg.R0, 0, frameOffset, Math.Min(size, read.Type.Size));
        Asm.Jump(end);
        Asm.Mark(missing);
        ZeroFill(frameOffset, size);
        Asm.Mark(end);
    }

    /// <summary>Evaluates an integer expression into r0.</summary>
    internal void EmitScalar(BoundExpression e)
    {
        switch (e)
        {
            case BoundIntegerLiteral literal:
                if (literal.Value is >= int.MinValue and <= int.MaxValue)
                    Asm.Mov(Reg.R0, (int)literal.Value);
                else
                    Asm.LoadImm64(Reg.R0, literal.Value);
                break;
            case BoundBuiltinVariable builtin:
                ((Builtins.BuiltinVariable)builtin.Builtin).EmitScalar(this);
                break;
            case BoundTracepointField field:
                Asm.Load(SizeOf(field.Field.Size), Reg.R0, Reg.R6, (short)field.Field.Offset);
                if (field.Type is IntegerType { IsSigned: true, Bytes: < 8 } signed)
                {
                    Asm.Alu(AluOp.Lsh, Reg.R0, 64 - signed.Bytes * 8);
                    Asm.Alu(AluOp.Arsh, Reg.R0, 64 - signed.Bytes * 8);
                }
                break;
            case BoundVariableRead read:
                Asm.Load(Size.U64, Reg.R0, _variableBase, (short)VariableOffset(read.Variable));
                break;
            case BoundTupleElement element:
                EmitTupleElementScalar(element);
                break;
            case BoundIncrement increment:
                EmitIncrement(increment);
                break;
            case BoundMapRead read:
                Scoped(() =>
                {
                    var key = EmitKey(read.Map, read.Keys);
                    CallMap(HelperFunction.MapLookupElem, read.Map, key);
                    var missing = Asm.NewLabel("missing");
                    Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, missing);
                    Asm.Load(Size.U64, Reg.R0, Reg.R0, 0);
                    Asm.Mark(missing);
                });
                break;
            case BoundUnary unary:
                EmitUnary(unary);
                break;
            case BoundMemoryRead read:
                Scoped(() => EmitMemoryScalar(read));
                break;
            case BoundCast cast:
                EmitCast(cast);
                break;
            case BoundBinary binary:
                Scoped(() => EmitBinary(binary));
                break;
            case Builtins.BoundBuiltinCall call:
                call.EmitScalar(this);
                break;
            case BoundContextArgument argument:
                argument.EmitScalar(this);
                break;
            case BoundTernary ternary:
            {
                var otherwise = Asm.NewLabel("else");
                var end = Asm.NewLabel("end");
                EmitScalar(ternary.Condition);
                Asm.JumpIf(JumpOp.Eq, Reg.R0, 0, otherwise);
                EmitScalar(ternary.WhenTrue);
                Asm.Jump(end);
                Asm.Mark(otherwise);
                EmitScalar(ternary.WhenFalse);
                Asm.Mark(end);
                break;
            }
            default:
                throw new CompileException($"{_probe.Name}: cannot evaluate {e.GetType().Name} as an integer");
        }
    }

    private void EmitUnary(BoundUnary unary)
    {
        EmitScalar(unary.Operand);
        switch (unary.Operator)
        {
            case BoundUnaryOperatorKind.Negate:
                Asm.Neg(Reg.R0);
                break;
            case BoundUnaryOperatorKind.BitwiseNot:
                Asm.Alu(AluOp.Xor, Reg.R0, -1);
                break;
            case BoundUnaryOperatorKind.LogicalNot:
                SetBoolean(JumpOp.Eq, Reg.R0, null);
                break;
            default:
                throw new CompileException($"{_probe.Name}: unary {unary.Operator} is not supported yet");
        }
    }

    private void EmitBinary(BoundBinary binary)
    {
        if (binary.Operator is BoundBinaryOperatorKind.LogicalAnd or BoundBinaryOperatorKind.LogicalOr)
        {
            EmitLogical(binary);
            return;
        }
        if (binary.Operator is BoundBinaryOperatorKind.StringEqual or BoundBinaryOperatorKind.StringNotEqual)
        {
            EmitStringEquality(binary);
            return;
        }
        var left = Allocate(8);
        EmitScalar(binary.Left);
        Asm.Store(Size.U64, Reg.R10, (short)left, Reg.R0);
        EmitScalar(binary.Right);
        Asm.Load(Size.U64, Reg.R1, Reg.R10, (short)left);
        AluOp? alu = binary.Operator switch
        {
            BoundBinaryOperatorKind.Add => AluOp.Add,
            BoundBinaryOperatorKind.Subtract => AluOp.Sub,
            BoundBinaryOperatorKind.Multiply => AluOp.Mul,
            BoundBinaryOperatorKind.DivideUnsigned => AluOp.Div,
            BoundBinaryOperatorKind.ModuloUnsigned => AluOp.Mod,
            BoundBinaryOperatorKind.BitwiseAnd => AluOp.And,
            BoundBinaryOperatorKind.BitwiseOr => AluOp.Or,
            BoundBinaryOperatorKind.BitwiseXor => AluOp.Xor,
            BoundBinaryOperatorKind.ShiftLeft => AluOp.Lsh,
            BoundBinaryOperatorKind.ShiftRightArithmetic => AluOp.Arsh,
            BoundBinaryOperatorKind.ShiftRightLogical => AluOp.Rsh,
            _ => null,
        };
        if (alu is { } op)
        {
            Asm.Alu(op, Reg.R1, Reg.R0);
            Asm.Mov(Reg.R0, Reg.R1);
            return;
        }
        var jump = binary.Operator switch
        {
            BoundBinaryOperatorKind.Equal => JumpOp.Eq,
            BoundBinaryOperatorKind.NotEqual => JumpOp.Ne,
            BoundBinaryOperatorKind.LessSigned => JumpOp.Slt,
            BoundBinaryOperatorKind.LessUnsigned => JumpOp.Lt,
            BoundBinaryOperatorKind.LessOrEqualSigned => JumpOp.Sle,
            BoundBinaryOperatorKind.LessOrEqualUnsigned => JumpOp.Le,
            BoundBinaryOperatorKind.GreaterSigned => JumpOp.Sgt,
            BoundBinaryOperatorKind.GreaterUnsigned => JumpOp.Gt,
            BoundBinaryOperatorKind.GreaterOrEqualSigned => JumpOp.Sge,
            BoundBinaryOperatorKind.GreaterOrEqualUnsigned => JumpOp.Ge,
            _ => throw new CompileException($"{_probe.Name}: operator {binary.Operator} is not supported yet"),
        };
        SetBoolean(jump, Reg.R1, Reg.R0);
    }

    /// <summary>r0 = (a OP b) ? 1 : 0, or (a OP 0) when <paramref name="b"/> is null.</summary>
    private void SetBoolean(JumpOp op, Reg a, Reg? b)
    {
        var yes = Asm.NewLabel("true");
        var end = Asm.NewLabel("end");
        if (b is { } rb)
            Asm.JumpIf(op, a, rb, yes);
        else
            Asm.JumpIf(op, a, 0, yes);
        Asm.Mov(Reg.R0, 0);
        Asm.Jump(end);
        Asm.Mark(yes);
        Asm.Mov(Reg.R0, 1);
        Asm.Mark(end);
    }

    private void EmitLogical(BoundBinary binary)
    {
        var shortCircuit = Asm.NewLabel("short");
        var end = Asm.NewLabel("end");
        var isAnd = binary.Operator == BoundBinaryOperatorKind.LogicalAnd;
        EmitScalar(binary.Left);
        Asm.JumpIf(isAnd ? JumpOp.Eq : JumpOp.Ne, Reg.R0, 0, shortCircuit);
        EmitScalar(binary.Right);
        SetBoolean(JumpOp.Ne, Reg.R0, null);
        Asm.Jump(end);
        Asm.Mark(shortCircuit);
        Asm.Mov(Reg.R0, isAnd ? 0 : 1);
        Asm.Mark(end);
    }

    /// <summary>String == and !=: compare byte by byte up to the first NUL, unrolled (no loops for the verifier).</summary>
    private void EmitStringEquality(BoundBinary binary)
    {
        var (left, right) = (binary.Left, binary.Right);
        if (left is BoundStringLiteral && right is not BoundStringLiteral)
            (left, right) = (right, left);
        var leftSize = left.Type.Size;
        var a = Allocate(leftSize);
        EmitValue(left, a, leftSize);
        var equal = Asm.NewLabel("str_eq");
        var differ = Asm.NewLabel("str_ne");
        var end = Asm.NewLabel("str_end");
        if (right is BoundStringLiteral literal)
        {
            var bytes = literal.Bytes;
            for (var i = 0; i <= bytes.Length; i++)
            {
                var expected = i < bytes.Length ? bytes[i] : 0;
                if (i >= leftSize)
                {
                    // The left buffer is full without a NUL: equal only if the literal ends here too.
                    Asm.Jump(expected == 0 ? equal : differ);
                    break;
                }
                Asm.Load(Size.U8, Reg.R1, Reg.R10, (short)(a + i));
                Asm.JumpIf(JumpOp.Ne, Reg.R1, expected, differ);
            }
            Asm.Jump(equal);
        }
        else
        {
            var rightSize = right.Type.Size;
            var b = Allocate(rightSize);
            EmitValue(right, b, rightSize);
            for (var i = 0; i < Math.Min(leftSize, rightSize); i++)
            {
                Asm.Load(Size.U8, Reg.R1, Reg.R10, (short)(a + i));
                Asm.Load(Size.U8, Reg.R2, Reg.R10, (short)(b + i));
                Asm.JumpIf(JumpOp.Ne, Reg.R1, Reg.R2, differ);
                Asm.JumpIf(JumpOp.Eq, Reg.R1, 0, equal);
            }
            Asm.Jump(equal);
        }
        var isEqual = binary.Operator == BoundBinaryOperatorKind.StringEqual;
        Asm.Mark(equal);
        Asm.Mov(Reg.R0, isEqual ? 1 : 0);
        Asm.Jump(end);
        Asm.Mark(differ);
        Asm.Mov(Reg.R0, isEqual ? 0 : 1);
        Asm.Mark(end);
    }
}

/// <summary>A program the code generator cannot produce (for example, one that needs too much stack).</summary>
public sealed class CompileException(string message) : Exception(message);
