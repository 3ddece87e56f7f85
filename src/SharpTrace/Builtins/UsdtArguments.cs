using SharpTrace.Bpf;
using SharpTrace.CodeGen;
using SharpTrace.Kernel.Elf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;

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
            case UsdtOperandKind.Symbol:
                return ReadUser(ir, SymbolAddress(ir, spec, argument), argument.Size, type);
            default:
                Operand address = new Imm(argument.Value);
                if (argument.Base is { } baseRegister)
                    address = ir.Binary(IrBinaryOp.Add, Register(ir, baseRegister), address);
                if (argument.Index is { } indexRegister)
                {
                    var scaled = ir.Binary(IrBinaryOp.Mul, Register(ir, indexRegister), new Imm(argument.Scale));
                    address = ir.Binary(IrBinaryOp.Add, address, scaled);
                }
                return ReadUser(ir, address, argument.Size, type);
        }
    }

    private static Operand ReadUser(IrBuilder ir, Operand address, int size, IrInt type)
    {
        var slot = ir.NewSlot(8);
        ir.CallVoid(HelperFunction.ProbeReadUser, new StackAddress(slot), new Imm(size), address);
        return ir.Load(new SlotAddress(slot), type);
    }

    /// <summary>
    /// Where a <c>SYMBOL+N(%rip)</c> argument is: the symbol's address in the probe's file (found when compiling) plus N,
    /// moved, in a PIE or a shared library, by the load address the probe finds at run time (the probed instruction's
    /// run-time address, <c>bpf_get_func_ip</c>, minus the note's), as <c>uaddr</c> moves a symbol.
    /// </summary>
    private static Operand SymbolAddress(IrBuilder ir, ProbeSpec spec, UsdtArgument argument)
    {
        ElfAnySymbol? symbol;
        bool isFixed;
        try
        {
            (symbol, isFixed, _) = ElfFile.FindSymbol(spec.Target, argument.Symbol!, []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new CompileException($"{spec}: USDT argument '{argument}' names {argument.Symbol}, which cannot be looked up: {e.Message}");
        }
        if (symbol is null)
            throw new CompileException($"{spec}: USDT argument '{argument}' names {argument.Symbol}, which {spec.Target} does not define");
        var address = new Imm(unchecked((long)symbol.Address + argument.Value));
        if (isFixed)
            return address;
        var loadAddress = ir.Binary(IrBinaryOp.Sub, ir.Call(HelperFunction.GetFuncIp, ir.Context), new Imm(unchecked((long)spec.Usdt!.Address)));
        return ir.Binary(IrBinaryOp.Add, loadAddress, address);
    }

    // Base and index registers of an address are whole 64-bit registers (the spec names them as %rbp, %rax).
    private static Operand Register(IrBuilder ir, UsdtRegister register) =>
        ir.Load(new PointerAddress(ir.Context, register.PtRegsOffset), IrInt.U64);
}
