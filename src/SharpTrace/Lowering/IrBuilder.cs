using SharpTrace.Bpf;

namespace SharpTrace.Lowering;

/// <summary>
/// Builds the IR of one probe in order. Constants fold as they are built (<c>2 * 3</c> is <c>6</c>, <c>x + 0</c> is
/// <c>x</c>, a branch on constants is a jump or nothing), and operations after a jump or a return that no label
/// makes reachable are dropped, since the verifier rejects unreachable code.
/// </summary>
internal sealed class IrBuilder(string name)
{
    private readonly List<IrOp> _ops = [];
    private readonly List<Slot> _slots = [];
    private int _registers = 1;
    private int _labels;
    private bool _reachable = true;

    /// <summary>The probe's context (the register r1 holds on entry).</summary>
    public VReg Context { get; } = new(0);

    /// <summary>Whether code emitted now can run (false right after a jump or return).</summary>
    public bool IsReachable => _reachable;

    public VReg NewRegister() => new(_registers++);

    public Slot NewSlot(int size, bool livesThroughout = false)
    {
        var slot = new Slot(_slots.Count, Math.Max(1, size)) { LivesThroughout = livesThroughout };
        _slots.Add(slot);
        return slot;
    }

    public IrLabel NewLabel(string hint) => new(_labels++, hint);

    public void Emit(IrOp op)
    {
        if (op is MarkOp)
            _reachable = true;
        if (!_reachable)
            return;
        _ops.Add(op);
        if (op is GotoOp or ReturnOp)
            _reachable = false;
    }

    public IrFunction Build() => new(name, Tidy(_ops), Context, _registers, _slots.ToList());

    /// <summary>
    /// Drops jumps to the next operation, labels nothing jumps to, and the code only such labels made reachable,
    /// until nothing changes (the verifier rejects unreachable instructions).
    /// </summary>
    private static List<IrOp> Tidy(List<IrOp> ops)
    {
        while (true)
        {
            var kept = new List<IrOp>();
            for (var i = 0; i < ops.Count; i++)
            {
                if (ops[i] is GotoOp jump && JumpsToNext(ops, i, jump.Target))
                    continue;
                kept.Add(ops[i]);
            }
            var targets = kept.Select(o => o switch { GotoOp g => g.Target, BranchOp b => b.Target, NextCpuOp n => n.Head, ClaimPeriodOp c => c.Skip, _ => null })
                .OfType<IrLabel>().ToHashSet();
            var result = new List<IrOp>();
            var reachable = true;
            foreach (var op in kept)
            {
                if (op is MarkOp mark)
                {
                    if (!targets.Contains(mark.Label))
                        continue;
                    reachable = true;
                }
                if (!reachable)
                    continue;
                result.Add(op);
                if (op is GotoOp or ReturnOp)
                    reachable = false;
            }
            if (result.Count == ops.Count)
                return result;
            ops = result;
        }
    }

    private static bool JumpsToNext(List<IrOp> ops, int index, IrLabel target)
    {
        for (var i = index + 1; i < ops.Count && ops[i] is MarkOp mark; i++)
        {
            if (mark.Label == target)
                return true;
        }
        return false;
    }

    // ---- Values ----------------------------------------------------------------------------------------

    /// <summary>A register holding <paramref name="value"/> (the operand itself when it is one).</summary>
    public VReg InRegister(Operand value)
    {
        if (value is VReg reg)
            return reg;
        var dst = NewRegister();
        Emit(new MoveOp(dst, value));
        return dst;
    }

    public Operand Binary(IrBinaryOp op, Operand left, Operand right)
    {
        if (left is Imm a && right is Imm b)
            return new Imm(Fold(op, a.Value, b.Value));
        if (right is Imm { Value: 0 } && op is IrBinaryOp.Add or IrBinaryOp.Sub or IrBinaryOp.Or or IrBinaryOp.Xor
                or IrBinaryOp.Shl or IrBinaryOp.Shr or IrBinaryOp.SignedShr)
            return left;
        if (left is Imm { Value: 0 } && op is IrBinaryOp.Add or IrBinaryOp.Or or IrBinaryOp.Xor)
            return right;
        if (right is Imm { Value: 1 } && op is IrBinaryOp.Mul or IrBinaryOp.Div)
            return left;
        if (left is Imm && op is IrBinaryOp.Add or IrBinaryOp.Mul or IrBinaryOp.And or IrBinaryOp.Or or IrBinaryOp.Xor)
            (left, right) = (right, left);
        var dst = NewRegister();
        Emit(new BinaryOp(op, dst, left, right));
        return dst;
    }

    public Operand Unary(IrUnaryOp op, Operand value)
    {
        if (value is Imm c)
            return new Imm(Fold(op, c.Value));
        var dst = NewRegister();
        Emit(new UnaryOp(op, dst, value));
        return dst;
    }

    /// <summary>The unary operation as eBPF computes it on a 64-bit value.</summary>
    public static long Fold(IrUnaryOp op, long a) => unchecked(op switch
    {
        IrUnaryOp.Neg => -a,
        IrUnaryOp.Not => ~a,
        IrUnaryOp.Swap16 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)a),
        IrUnaryOp.Swap32 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)a),
        IrUnaryOp.Swap64 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(a),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    });

    /// <summary>The operation as eBPF computes it on 64-bit values (division by zero gives 0, modulo by zero the dividend).</summary>
    public static long Fold(IrBinaryOp op, long a, long b) => unchecked(op switch
    {
        IrBinaryOp.Add => a + b,
        IrBinaryOp.Sub => a - b,
        IrBinaryOp.Mul => a * b,
        IrBinaryOp.Div => b == 0 ? 0 : (long)((ulong)a / (ulong)b),
        IrBinaryOp.Mod => b == 0 ? a : (long)((ulong)a % (ulong)b),
        IrBinaryOp.And => a & b,
        IrBinaryOp.Or => a | b,
        IrBinaryOp.Xor => a ^ b,
        IrBinaryOp.Shl => a << (int)(b & 63),
        IrBinaryOp.Shr => (long)((ulong)a >> (int)(b & 63)),
        IrBinaryOp.SignedShr => a >> (int)(b & 63),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    });

    public static bool Holds(IrCondition condition, long a, long b) => condition switch
    {
        IrCondition.Eq => a == b,
        IrCondition.Ne => a != b,
        IrCondition.Lt => (ulong)a < (ulong)b,
        IrCondition.Le => (ulong)a <= (ulong)b,
        IrCondition.Gt => (ulong)a > (ulong)b,
        IrCondition.Ge => (ulong)a >= (ulong)b,
        IrCondition.Slt => a < b,
        IrCondition.Sle => a <= b,
        IrCondition.Sgt => a > b,
        IrCondition.Sge => a >= b,
        _ => throw new ArgumentOutOfRangeException(nameof(condition)),
    };

    /// <summary>The condition with its operands swapped (a &lt; b is b &gt; a).</summary>
    public static IrCondition Mirror(IrCondition condition) => condition switch
    {
        IrCondition.Lt => IrCondition.Gt,
        IrCondition.Le => IrCondition.Ge,
        IrCondition.Gt => IrCondition.Lt,
        IrCondition.Ge => IrCondition.Le,
        IrCondition.Slt => IrCondition.Sgt,
        IrCondition.Sle => IrCondition.Sge,
        IrCondition.Sgt => IrCondition.Slt,
        IrCondition.Sge => IrCondition.Sle,
        _ => condition,
    };

    public static IrCondition Negate(IrCondition condition) => condition switch
    {
        IrCondition.Eq => IrCondition.Ne,
        IrCondition.Ne => IrCondition.Eq,
        IrCondition.Lt => IrCondition.Ge,
        IrCondition.Le => IrCondition.Gt,
        IrCondition.Gt => IrCondition.Le,
        IrCondition.Ge => IrCondition.Lt,
        IrCondition.Slt => IrCondition.Sge,
        IrCondition.Sle => IrCondition.Sgt,
        IrCondition.Sgt => IrCondition.Sle,
        _ => IrCondition.Slt,
    };

    // ---- Control flow ----------------------------------------------------------------------------------

    public void Goto(IrLabel target) => Emit(new GotoOp(target));

    public void Mark(IrLabel label) => Emit(new MarkOp(label));

    public void Return(Operand value) => Emit(new ReturnOp(value));

    /// <summary>if (left cond right) goto target; folded when both are constants.</summary>
    public void Branch(IrCondition condition, Operand left, Operand right, IrLabel target)
    {
        if (left is Imm a && right is Imm b)
        {
            if (Holds(condition, a.Value, b.Value))
                Goto(target);
            return;
        }
        if (left is not VReg)
            (left, right, condition) = (right, left, Mirror(condition));
        Emit(new BranchOp(condition, left, right, target));
    }

    // ---- Memory and calls ------------------------------------------------------------------------------

    public VReg Load(Address from, IrInt type)
    {
        var dst = NewRegister();
        Emit(new LoadOp(dst, from, type));
        return dst;
    }

    public void Store(Address to, int bytes, Operand value) => Emit(new StoreOp(to, bytes, value));

    public void Zero(Slot slot, int offset, int size)
    {
        if (size <= 0)
            return;
        // A narrow constant just stored at the start of an 8-byte word whose rest is now zeroed (an int8 map value):
        // one 8-byte store of the same bytes, when the zero-extended constant fits a store's immediate.
        if (_reachable && _ops.Count > 0 && _ops[^1] is StoreOp { To: SlotAddress at, Value: Imm constant } store
            && at.Slot == slot && at.Offset % 8 == 0 && at.Offset + store.Bytes == offset && store.Bytes + size == 8
            && (constant.Value & ((1L << (store.Bytes * 8)) - 1)) is var bytes && bytes <= int.MaxValue)
        {
            _ops[^1] = new StoreOp(at, 8, new Imm(bytes));
            return;
        }
        Emit(new FillOp(new SlotAddress(slot, offset), new byte[size]));
    }

    public void Fill(Slot slot, int offset, byte[] bytes) => Emit(new FillOp(new SlotAddress(slot, offset), bytes));

    public void Copy(Address to, Address from, int size)
    {
        if (size > 0)
            Emit(new CopyOp(to, from, size));
    }

    /// <summary>Calls a helper or a kernel function; its result.</summary>
    public VReg Call(Callee callee, params Operand[] arguments)
    {
        var dst = NewRegister();
        Emit(new CallOp(dst, callee, arguments));
        return dst;
    }

    /// <summary>Calls a helper or a kernel function for its effect.</summary>
    public void CallVoid(Callee callee, params Operand[] arguments) => Emit(new CallOp(null, callee, arguments));

    public VReg Lookup(LoweredMap map, StackAddress key)
    {
        var dst = NewRegister();
        Emit(new MapLookupOp(dst, map, key));
        return dst;
    }
}
