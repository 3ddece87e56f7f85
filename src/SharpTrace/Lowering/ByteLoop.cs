namespace SharpTrace.Lowering;

/// <summary>
/// A bounded loop over the bytes of buffers whose size max_strlen drives (strings, byte copies of values), so that a
/// string operation's code no longer grows with the string: a counter from 0 to a constant and one pointer per buffer,
/// each advanced a byte per iteration. The verifier walks every iteration (a backward jump it follows, kernel 5.3+),
/// where each pointer has a constant offset: stack and map-value buffers (the per-CPU scratch space) alike.
/// <para>
/// The verifier explores a branch's fall-through first and keeps the jump's target for later; a loop whose exits were
/// taken jumps would leave one pending state per exit and iteration (at most 8192 in all, across the program). So an
/// exit is a jump over a jump (ExitIf): the exit is explored at once (and pruned at its join after the
/// first iteration), and the iteration goes on from the one pending state.
/// </para>
/// </summary>
internal sealed class ByteLoop
{
    private readonly IrBuilder _ir;
    private readonly IrLabel _head;
    private readonly int _count;
    private readonly IReadOnlyList<VReg> _pointers;

    private ByteLoop(IrBuilder ir, IrLabel head, VReg index, IReadOnlyList<VReg> pointers, int count) =>
        (_ir, _head, Index, _pointers, _count) = (ir, head, index, pointers, count);

    /// <summary>The iteration's number, 0 to count - 1.</summary>
    public VReg Index { get; }

    /// <summary>
    /// Starts a loop of <paramref name="count"/> (at least 1) iterations over <paramref name="buffers"/> (stack slot
    /// addresses or pointers); the body follows, then <see cref="End"/>.
    /// </summary>
    public static ByteLoop Begin(IrBuilder ir, string name, int count, params Operand[] buffers)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), "a byte loop runs at least once");
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
        ir.Mark(head);
        return new ByteLoop(ir, head, index, pointers, count);
    }

    /// <summary>The address of the iteration's byte (plus <paramref name="offset"/>) of buffer <paramref name="buffer"/>.</summary>
    public PointerAddress At(int buffer, int offset = 0) => new(_pointers[buffer], offset);

    /// <summary>The iteration's byte of buffer <paramref name="buffer"/> (plus <paramref name="offset"/>).</summary>
    public VReg Byte(int buffer, int offset = 0, bool signed = false) => _ir.Load(At(buffer, offset), new IrInt(1, signed));

    /// <summary>Leaves the loop for <paramref name="target"/> when the condition holds (a jump over a jump: see above).</summary>
    public void ExitIf(IrCondition condition, Operand left, Operand right, IrLabel target) => ExitIf(_ir, condition, left, right, target);

    /// <summary>if (left cond right) goto target, as a jump over a jump, so that the verifier explores the exit first.</summary>
    public static void ExitIf(IrBuilder ir, IrCondition condition, Operand left, Operand right, IrLabel target)
    {
        var stay = ir.NewLabel("stay");
        ir.Branch(IrBuilder.Negate(condition), left, right, stay);
        ir.Goto(target);
        ir.Mark(stay);
    }

    /// <summary>The end of the body: every pointer and the counter advance, and the loop goes on while the counter is below its count.</summary>
    public void End()
    {
        foreach (var pointer in _pointers)
            _ir.Emit(new BinaryOp(IrBinaryOp.Add, pointer, pointer, new Imm(1)));
        _ir.Emit(new BinaryOp(IrBinaryOp.Add, Index, Index, new Imm(1)));
        _ir.Branch(IrCondition.Lt, Index, new Imm(_count), _head);
    }

    /// <summary>
    /// Two strings compared up to the first NUL (or <paramref name="count"/> bytes): to <paramref name="differ"/> at
    /// the first byte that differs, to <paramref name="equal"/> at a NUL both reach or after <paramref name="count"/> bytes.
    /// </summary>
    public static void CompareStrings(IrBuilder ir, Slot left, Slot right, int count, IrLabel equal, IrLabel differ)
    {
        if (count > 0)
        {
            var loop = Begin(ir, "strcmp", count, new StackAddress(left), new StackAddress(right));
            var x = loop.Byte(0);
            loop.ExitIf(IrCondition.Ne, x, loop.Byte(1), differ);
            loop.ExitIf(IrCondition.Eq, x, new Imm(0), equal);
            loop.End();
        }
        ir.Goto(equal);
    }
}
