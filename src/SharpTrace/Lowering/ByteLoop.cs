namespace SharpTrace.Lowering;

/// <summary>
/// A bounded loop over the bytes of buffers whose size max_strlen drives (strings, byte copies of values), so that a
/// string operation's code no longer grows with the string. The body is written once, against this class: the
/// iteration's byte of each buffer (stack and map-value buffers, the per-CPU scratch space, alike), read-only inputs,
/// and <see cref="StopIf(IrCondition, Operand, Operand, Operand)"/>, which leaves the loop with a result (the loop's
/// value is its initial value when no iteration stopped it). <see cref="Run"/> emits it in one of two forms:
/// <list type="bullet">
/// <item>inline, for at most <see cref="InlineLimit"/> iterations: a counter from 0 to a constant and one pointer per
/// buffer, each advanced a byte per iteration, whose iterations the verifier walks all (a backward jump it follows).
/// The verifier explores a branch's fall-through first and keeps the jump's target for later; a loop whose exits were
/// taken jumps would leave one pending state per exit and iteration (at most 8192 in all, across the program). So an
/// exit is a jump over a jump: the exit is explored at once, and the iteration goes on from the one pending state.</item>
/// <item>longer, as a bpf_loop callback (one per probe, loop shape and count), which the verifier checks once for any
/// index, whatever the count: the loop's cost no longer grows with max_strlen. The callback's context is a frame on
/// the caller's stack: the buffers' addresses, the inputs, and the result, which the callback writes when it stops.</item>
/// </list>
/// </summary>
internal sealed class ByteLoop
{
    /// <summary>
    /// The longest loop run inline. Measured on kernel 6.18 (the verifier's processed instructions, bpf_prog_info's
    /// verified_insns) for == of two strings, one operation in a probe less the probe without it: inline it costs
    /// about 13 per byte (146 at 8 bytes, 245 at 16, 445 at 32, 12,850 at 1024; memcmp 16 a byte, strlen 8,
    /// strcontains of a literal 26), so that at max_strlen 1024 some thirty operations pass the verifier's 1,000,000;
    /// as a callback about 110 at 32 bytes and 610 at 1024, most of it the copies of the operands, not the loop.
    /// Probes of 1, 10, 30 and 60 mixed operations (==, strncmp, memcmp, strlen, strcontains of a literal and of a
    /// variable) at max_strlen 1024: 13,396, 324,512, over the limit, over the limit inline; 1,157, 10,835, 32,867,
    /// 65,797 now. At max_strlen 64: 902, 11,928, 42,233, 84,438 inline; 183, 1,397, 4,436, 8,816 now. Up to 16
    /// bytes (comm) the inline loop costs at most a hundred or two more, and saves a call per byte at run time.
    /// </summary>
    public const int InlineLimit = 16;

    private readonly IReadOnlyList<VReg> _pointers;
    private readonly Func<int, Operand> _input;
    private readonly Action<IrCondition, Operand, Operand, Func<Operand>> _stopIf;

    private ByteLoop(IrBuilder ir, VReg index, IReadOnlyList<VReg> pointers, Func<int, Operand> input,
        Action<IrCondition, Operand, Operand, Func<Operand>> stopIf) =>
        (Ir, Index, _pointers, _input, _stopIf) = (ir, index, pointers, input, stopIf);

    /// <summary>Where the body's code goes (the caller's builder inline, the callback's otherwise).</summary>
    public IrBuilder Ir { get; }

    /// <summary>The iteration's number, 0 to count - 1.</summary>
    public VReg Index { get; }

    /// <summary>The address of the iteration's byte (plus <paramref name="offset"/>) of buffer <paramref name="buffer"/>.</summary>
    public PointerAddress At(int buffer, int offset = 0) => new(_pointers[buffer], offset);

    /// <summary>The iteration's byte of buffer <paramref name="buffer"/> (plus <paramref name="offset"/>).</summary>
    public VReg Byte(int buffer, int offset = 0, bool signed = false) => Ir.Load(At(buffer, offset), new IrInt(1, signed));

    /// <summary>Input <paramref name="input"/> as the caller gave it (a 64-bit value).</summary>
    public Operand Input(int input) => _input(input);

    /// <summary>Leaves the loop, its value <paramref name="value"/>, when the condition holds.</summary>
    public void StopIf(IrCondition condition, Operand left, Operand right, Operand value) => _stopIf(condition, left, right, () => value);

    /// <summary>Leaves the loop when the condition holds, its value computed (only then) by <paramref name="value"/>.</summary>
    public void StopIf(IrCondition condition, Operand left, Operand right, Func<Operand> value) => _stopIf(condition, left, right, value);

    /// <summary>
    /// A loop of <paramref name="count"/> iterations over <paramref name="buffers"/> (stack slot addresses or
    /// pointers, each at least count bytes plus the offsets the body reads past its byte) with
    /// <paramref name="inputs"/>, emitted into <paramref name="ir"/>; its value (a register) is
    /// <paramref name="initial"/> unless the body stopped it. <paramref name="key"/> names the body's shape: two
    /// loops with the same name, key and counts share one callback, so whatever else the body's code depends on must
    /// be in it.
    /// </summary>
    public static VReg Run(ProbeLowerer lowering, IrBuilder ir, string name, string key, int count,
        IReadOnlyList<Operand> buffers, IReadOnlyList<Operand> inputs, Operand initial, Action<ByteLoop> body)
    {
        if (count <= InlineLimit)
            return RunInline(ir, name, count, buffers, inputs, initial, body);
        // The frame: the buffers' addresses, the inputs, the result.
        var resultOffset = 8 * (buffers.Count + inputs.Count);
        var callback = lowering.Callback(name + "_callback", $"byteloop {name} {key} {count} {buffers.Count} {inputs.Count}", 2,
            (callbackIr, p) => Callback(callbackIr, p[0], p[1], count, buffers.Count, inputs.Count, body));
        var frame = ir.NewSlot(resultOffset + 8);
        ir.Store(new SlotAddress(frame, resultOffset), 8, initial);
        for (var i = 0; i < inputs.Count; i++)
            ir.Store(new SlotAddress(frame, 8 * (buffers.Count + i)), 8, inputs[i]);
        // The addresses are stored last, right before the call and with no register defined in between, so that no
        // slot (a spilled register's included) takes the buffers' bytes while the callback still reads them.
        for (var i = 0; i < buffers.Count; i++)
            ir.Store(new SlotAddress(frame, 8 * i), 8, buffers[i]);
        ir.Emit(new LoopCallOp(new Imm(count), callback, new StackAddress(frame)));
        return ir.Load(new SlotAddress(frame, resultOffset), IrInt.S64);
    }

    private static VReg RunInline(IrBuilder ir, string name, int count, IReadOnlyList<Operand> buffers,
        IReadOnlyList<Operand> inputs, Operand initial, Action<ByteLoop> body)
    {
        var result = ir.NewRegister();
        ir.Emit(new MoveOp(result, initial));
        if (count < 1)
            return result;
        var index = ir.NewRegister();
        ir.Emit(new MoveOp(index, new Imm(0)));
        var pointers = new List<VReg>();
        foreach (var buffer in buffers)
        {
            var pointer = ir.NewRegister();
            ir.Emit(new MoveOp(pointer, buffer));
            pointers.Add(pointer);
        }
        var head = ir.NewLabel(name);
        var end = ir.NewLabel(name + "_end");
        ir.Mark(head);
        body(new ByteLoop(ir, index, pointers, i => inputs[i], (condition, left, right, value) =>
        {
            var stay = ir.NewLabel("stay");
            ir.Branch(IrBuilder.Negate(condition), left, right, stay);
            ir.Emit(new MoveOp(result, value()));
            ir.Goto(end);
            ir.Mark(stay);
        }));
        foreach (var pointer in pointers)
            ir.Emit(new BinaryOp(IrBinaryOp.Add, pointer, pointer, new Imm(1)));
        ir.Emit(new BinaryOp(IrBinaryOp.Add, index, index, new Imm(1)));
        ir.Branch(IrCondition.Lt, index, new Imm(count), head);
        ir.Mark(end);
        return result;
    }

    /// <summary>The callback: one iteration; returns 1 (stop, the result left in the frame) or 0 (go on).</summary>
    private static void Callback(IrBuilder ir, VReg index, VReg frame, int count, int buffers, int inputs, Action<ByteLoop> body)
    {
        var stop = ir.NewLabel("byteloop_stop");
        // The bound the verifier needs for the buffers' variable offsets (bpf_loop runs it below count anyway).
        ir.Branch(IrCondition.Ge, index, new Imm(count), stop);
        var pointers = Enumerable.Range(0, buffers)
            .Select(i => ir.InRegister(ir.Binary(IrBinaryOp.Add, ir.Load(new PointerAddress(frame, 8 * i), IrInt.U64), index)))
            .ToList();
        var resultOffset = 8 * (buffers + inputs);
        body(new ByteLoop(ir, index, pointers, i => ir.Load(new PointerAddress(frame, 8 * (buffers + i)), IrInt.U64), (condition, left, right, value) =>
        {
            var stay = ir.NewLabel("stay");
            ir.Branch(IrBuilder.Negate(condition), left, right, stay);
            ir.Store(new PointerAddress(frame, resultOffset), 8, value());
            ir.Return(new Imm(1));
            ir.Mark(stay);
        }));
        ir.Return(new Imm(0));
        ir.Mark(stop);
        ir.Return(new Imm(1));
    }

    /// <summary>if (left cond right) goto target, as a jump over a jump, so that the verifier explores the exit first.</summary>
    public static void ExitIf(IrBuilder ir, IrCondition condition, Operand left, Operand right, IrLabel target)
    {
        var stay = ir.NewLabel("stay");
        ir.Branch(IrBuilder.Negate(condition), left, right, stay);
        ir.Goto(target);
        ir.Mark(stay);
    }

    /// <summary>
    /// Two strings compared up to the first NUL (or <paramref name="count"/> bytes): to <paramref name="differ"/> at
    /// the first byte that differs, to <paramref name="equal"/> at a NUL both reach or after <paramref name="count"/> bytes.
    /// </summary>
    public static void CompareStrings(ProbeLowerer lowering, Slot left, Slot right, int count, IrLabel equal, IrLabel differ)
    {
        var ir = lowering.Ir;
        if (count > 0)
        {
            var differs = Run(lowering, ir, "strcmp", "", count, [new StackAddress(left), new StackAddress(right)], [], new Imm(0), loop =>
            {
                var x = loop.Byte(0);
                loop.StopIf(IrCondition.Ne, x, loop.Byte(1), new Imm(1));
                loop.StopIf(IrCondition.Eq, x, new Imm(0), new Imm(0));
            });
            ir.Branch(IrCondition.Ne, differs, new Imm(0), differ);
        }
        ir.Goto(equal);
    }
}
