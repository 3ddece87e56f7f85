using SharpTrace.Bpf;
using SharpTrace.CodeGen;
using SharpTrace.Kernel.Elf;
using SharpTrace.Lowering;

namespace SharpTrace.Builtins;

/// <summary>
/// <c>argN</c> where the context says arguments come from USDT specs: the attach point's note says where each lies
/// (<see cref="UsdtArgument"/>), and the value is read there and widened to 64 bits by its size and signedness. The
/// probe has one program per set of specs (<c>ProbeKind.NeedsProgramPerAttachPoint</c>), so its first attach point's
/// note holds for all of them.
/// </summary>
internal static class UsdtArguments
{
    /// <summary>Lowers <c>arg<paramref name="index"/></c>; a probe without that argument is bpftrace's error.</summary>
    public static Operand Lower(ProbeLowerer lowering, int index)
    {
        var spec = lowering.Probe.AttachPoints[0];
        IReadOnlyList<UsdtArgument> arguments;
        try
        {
            arguments = spec.Usdt?.Arguments() ?? [];
        }
        catch (FormatException e)
        {
            throw new CompileException($"{spec}: {e.Message}");
        }
        if (index >= arguments.Count)
            throw new CompileException($"couldn't get argument {index} for {spec.Target}:{spec.Name}");
        var argument = arguments[index];
        var ir = lowering.Ir;
        var type = new IrInt(argument.Size, argument.IsSigned);
        switch (argument.Kind)
        {
            case UsdtOperandKind.Constant:
                return new Imm(argument.Value);
            case UsdtOperandKind.Register:
                // pt_regs allows narrow loads: the low bytes of a register (or %ah's second byte) are read directly.
                return ir.Load(new PointerAddress(ir.Context, argument.Base!.PtRegsOffset + argument.Base.ByteOffset), type);
            default:
                Operand address = new Imm(argument.Value);
                if (argument.Base is { } baseRegister)
                    address = ir.Binary(IrBinaryOp.Add, Register(ir, baseRegister), address);
                if (argument.Index is { } indexRegister)
                {
                    var scaled = ir.Binary(IrBinaryOp.Mul, Register(ir, indexRegister), new Imm(argument.Scale));
                    address = ir.Binary(IrBinaryOp.Add, address, scaled);
                }
                var slot = ir.NewSlot(8);
                ir.CallVoid(HelperFunction.ProbeReadUser, new StackAddress(slot), new Imm(argument.Size), address);
                return ir.Load(new SlotAddress(slot), type);
        }
    }

    // Base and index registers of an address are whole 64-bit registers (the spec names them as %rbp, %rax).
    private static Operand Register(IrBuilder ir, UsdtRegister register) =>
        ir.Load(new PointerAddress(ir.Context, register.PtRegsOffset), IrInt.U64);
}
