using SharpTrace.Bpf;
using SharpTrace.Lowering;

namespace SharpTrace.CodeGen;

/// <summary>Operands into registers, spills, memory operations, helper-call arguments.</summary>
internal sealed partial class IrTranslator
{
    private static readonly Reg[] ScratchOrder = [Reg.R0, Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R6, Reg.R7, Reg.R8, Reg.R9];

    /// <summary>A register no live value occupies at the current operation, other than <paramref name="exclude"/>.</summary>
    private Reg Scratch(params Reg[] exclude)
    {
        var busy = _registers.Registers
            .Where(p => _liveness.Registers[p.Key] is var l && l.Start <= _position && _position <= l.End)
            .Select(p => p.Value)
            .ToHashSet();
        foreach (var reg in ScratchOrder)
        {
            if (!busy.Contains(reg) && !exclude.Contains(reg))
                return reg;
        }
        throw new LoweringNotSupportedException("this much register pressure");
    }

    /// <summary>The register an operation computes <paramref name="register"/> in (a scratch one when it is spilled).</summary>
    private Reg Target(VReg register) => _registers.Registers.TryGetValue(register, out var reg) ? reg : Scratch();

    /// <summary>Records that <paramref name="value"/> now holds the register's value: moves or spills it where it lives.</summary>
    private void Define(VReg register, Reg value)
    {
        if (_spills.TryGetValue(register, out var slot))
            Asm.Store(Size.U64, Reg.R10, (short)_frame[slot], value);
        else if (_registers.Registers[register] is var reg && reg != value)
            Asm.Mov(reg, value);
    }

    /// <summary>The register holding <paramref name="register"/>'s value, reloading a spilled one into a scratch register.</summary>
    private Reg Use(VReg register, params Reg[] exclude)
    {
        if (_registers.Registers.TryGetValue(register, out var reg))
            return reg;
        var scratch = Scratch(exclude);
        Asm.Load(Size.U64, scratch, Reg.R10, (short)_frame[_spills[register]]);
        return scratch;
    }

    /// <summary>A register holding the operand: its own register, or <paramref name="exclude"/>-free scratch loaded with it.</summary>
    private Reg InRegister(Operand operand, params Reg[] exclude)
    {
        if (operand is VReg register)
            return Use(register, exclude);
        var scratch = Scratch(exclude);
        Materialize(operand, scratch);
        return scratch;
    }

    private void Materialize(Operand operand, Reg target)
    {
        switch (operand)
        {
            case VReg register when _registers.Registers.TryGetValue(register, out var reg):
                if (reg != target)
                    Asm.Mov(target, reg);
                break;
            case VReg register:
                Asm.Load(Size.U64, target, Reg.R10, (short)_frame[_spills[register]]);
                break;
            case Imm { Value: >= int.MinValue and <= int.MaxValue } imm:
                Asm.Mov(target, (int)imm.Value);
                break;
            case Imm imm:
                Asm.LoadImm64(target, imm.Value);
                break;
            case StackAddress address when _scratch.TryGetValue(address.Slot, out var offset):
                LoadScratchPointer(target, address.Slot);
                if (offset + address.Offset != 0)
                    Asm.Alu(AluOp.Add, target, offset + address.Offset);
                break;
            case StackAddress address:
                Asm.Mov(target, Reg.R10);
                Asm.Alu(AluOp.Add, target, _frame[address.Slot] + address.Offset);
                break;
            case MapHandle map:
                Asm.LoadMapFd(target, map.Map.Ref);
                break;
            case MapValueAddress value:
                Asm.LoadMapValue(target, value.Map.Ref, value.Offset);
                break;
            case KernelVariableAddress variable:
                Asm.LoadKernelVariable(target, variable.BtfId);
                break;
            case FunctionAddress function:
                Asm.LoadFunctionAddress(target, function.Label);
                break;
            default:
                throw new LoweringNotSupportedException($"the operand {operand}");
        }
    }

    /// <summary>
    /// A register and offset that address <paramref name="address"/>: r10 for a stack slot, the function's scratch
    /// entry (loaded into an <paramref name="exclude"/>-free scratch register) for a slot kept there.
    /// </summary>
    private (Reg Base, int Offset) Base(Address address, params Reg[] exclude)
    {
        switch (address)
        {
            case SlotAddress s when _scratch.TryGetValue(s.Slot, out var offset):
            {
                var entry = Scratch(exclude);
                LoadScratchPointer(entry, s.Slot);
                return (entry, offset + s.Offset);
            }
            case SlotAddress s:
                return (Reg.R10, _frame[s.Slot] + s.Offset);
            case PointerAddress p:
                return (Use(p.Base, exclude), p.Offset);
            default:
                throw new LoweringNotSupportedException($"the address {address}");
        }
    }

    private void LoadScratchPointer(Reg target, Slot slot) => Asm.Load(Size.U64, target, Reg.R10, (short)_frame[_scratchPointers[slot]]);

    private static bool FitsImm32(Operand operand, out int value)
    {
        value = operand is Imm { Value: >= int.MinValue and <= int.MaxValue } imm ? (int)imm.Value : 0;
        return operand is Imm { Value: >= int.MinValue and <= int.MaxValue };
    }

    private void EmitBinary(BinaryOp o)
    {
        var dst = Target(o.Dst);
        Materialize(o.Left, dst);
        var alu = o.Op switch
        {
            IrBinaryOp.Add => AluOp.Add,
            IrBinaryOp.Sub => AluOp.Sub,
            IrBinaryOp.Mul => AluOp.Mul,
            IrBinaryOp.Div => AluOp.Div,
            IrBinaryOp.Mod => AluOp.Mod,
            IrBinaryOp.And => AluOp.And,
            IrBinaryOp.Or => AluOp.Or,
            IrBinaryOp.Xor => AluOp.Xor,
            IrBinaryOp.Shl => AluOp.Lsh,
            IrBinaryOp.Shr => AluOp.Rsh,
            _ => AluOp.Arsh,
        };
        // The verifier rejects a division by the constant 0; through a register it gives 0 as the IR defines.
        if (FitsImm32(o.Right, out var imm) && !(imm == 0 && o.Op is IrBinaryOp.Div or IrBinaryOp.Mod))
            Asm.Alu(alu, dst, imm);
        else
            Asm.Alu(alu, dst, InRegister(o.Right, dst));
        Define(o.Dst, dst);
    }

    private void EmitBranch(BranchOp o)
    {
        var left = InRegister(o.Left);
        var condition = o.Condition switch
        {
            IrCondition.Eq => Bpf.JumpOp.Eq,
            IrCondition.Ne => Bpf.JumpOp.Ne,
            IrCondition.Lt => Bpf.JumpOp.Lt,
            IrCondition.Le => Bpf.JumpOp.Le,
            IrCondition.Gt => Bpf.JumpOp.Gt,
            IrCondition.Ge => Bpf.JumpOp.Ge,
            IrCondition.Slt => Bpf.JumpOp.Slt,
            IrCondition.Sle => Bpf.JumpOp.Sle,
            IrCondition.Sgt => Bpf.JumpOp.Sgt,
            _ => Bpf.JumpOp.Sge,
        };
        if (FitsImm32(o.Right, out var imm))
            Asm.JumpIf(condition, left, imm, LabelOf(o.Target));
        else
            Asm.JumpIf(condition, left, InRegister(o.Right, left), LabelOf(o.Target));
    }

    private void EmitStore(StoreOp o)
    {
        var (bas, offset) = Base(o.To);
        if (FitsImm32(o.Value, out var imm))
            Asm.StoreImm(SizeOf(o.Bytes), bas, (short)offset, imm);
        else
            Asm.Store(SizeOf(o.Bytes), bas, (short)offset, InRegister(o.Value, bas));
    }

    // A map value takes one atomic add (shorter than load, add, store); the stack does not allow atomics.
    private void EmitAddTo(AddToOp o)
    {
        var (bas, offset) = Base(o.To);
        var value = InRegister(o.Value, bas);
        if (o.To is PointerAddress)
        {
            Asm.AtomicAdd(Size.U64, bas, (short)offset, value);
            return;
        }
        var sum = Scratch(bas, value);
        Asm.Load(Size.U64, sum, bas, (short)offset);
        Asm.Alu(AluOp.Add, sum, value);
        Asm.Store(Size.U64, bas, (short)offset, sum);
    }

    private void EmitFill(FillOp o)
    {
        var (bas, start) = Base(o.To);
        var bytes = o.Bytes;
        for (var done = 0; done < bytes.Length;)
        {
            var width = Width(start + done, 0, bytes.Length - done);
            var value = 0L;
            for (var i = width - 1; i >= 0; i--)
                value = (value << 8) | bytes[done + i];
            var at = (short)(start + done);
            if (width < 8)
                Asm.StoreImm(SizeOf(width), bas, at, (int)value);
            else if (value is >= int.MinValue and <= int.MaxValue)
                Asm.StoreImm(Size.U64, bas, at, (int)value);
            else
            {
                var scratch = Scratch(bas);
                Asm.LoadImm64(scratch, value);
                Asm.Store(Size.U64, bas, at, scratch);
            }
            done += width;
        }
    }

    private void EmitCopy(CopyOp o)
    {
        var (to, toOffset) = Base(o.To);
        var (from, fromOffset) = Base(o.From, to);
        var scratch = Scratch(to, from);
        for (var done = 0; done < o.Size;)
        {
            var width = Width(toOffset + done, fromOffset + done, o.Size - done);
            Asm.Load(SizeOf(width), scratch, from, (short)(fromOffset + done));
            Asm.Store(SizeOf(width), to, (short)(toOffset + done), scratch);
            done += width;
        }
    }

    // The widest access both offsets are aligned for (the verifier rejects misaligned stack access).
    private static int Width(int a, int b, int remaining)
    {
        foreach (var width in new[] { 8, 4, 2, 1 })
        {
            if (remaining >= width && a % width == 0 && b % width == 0)
                return width;
        }
        return 1;
    }

    /// <summary>
    /// Puts the arguments in r1-r5 and calls the helper or kernel function. Register-to-register moves go first,
    /// ordered so that no source is overwritten before it is read (a cycle goes through a free register); constants,
    /// stack addresses, map handles and spilled values follow.
    /// </summary>
    private void EmitCall(Callee callee, IReadOnlyList<Operand> arguments)
    {
        var moves = new List<(Reg To, Reg From)>();
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is VReg register && _registers.Registers.TryGetValue(register, out var reg) && reg != (Reg)(i + 1))
                moves.Add(((Reg)(i + 1), reg));
        }
        while (moves.Count > 0)
        {
            var ready = moves.FindIndex(m => !moves.Any(other => other.From == m.To));
            if (ready >= 0)
            {
                Asm.Mov(moves[ready].To, moves[ready].From);
                moves.RemoveAt(ready);
                continue;
            }
            // A cycle: park one source in a register that is not an argument.
            var spare = moves.Any(m => m.From == Reg.R0) ? Reg.R5 : Reg.R0;
            Asm.Mov(spare, moves[0].From);
            moves[0] = (moves[0].To, spare);
        }
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is not VReg register || !_registers.Registers.ContainsKey(register))
                Materialize(arguments[i], (Reg)(i + 1));
        }
        if (callee is KernelFunctionCallee kernelFunction)
            Asm.CallKernelFunction(kernelFunction.BtfId);
        else
            Asm.Call(((HelperCallee)callee).Helper);
    }
}
