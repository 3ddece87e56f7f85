using SharpTrace.Kernel.Elf.Cfi;
using SharpTrace.Records;

namespace SharpTrace.Runtime.Unwinding;

/// <summary>
/// Unwinds a copied user stack (<see cref="UserStackSample"/>) with the call frame information (<c>.eh_frame</c>,
/// <c>.debug_frame</c>) of the files mapped at each frame's address, as a debugger does, so that code built without
/// frame pointers gives whole stacks. Code no file describes (JIT code, the vDSO) is walked through its frame
/// pointer. Each file's table is read once and kept for the session.
/// </summary>
internal sealed class DwarfUnwinder(Func<int, ProcessMaps> processMaps)
{
    private const int RegisterCount = 17;
    private readonly Dictionary<string, CallFrameTable?> _tables = new(StringComparer.Ordinal);

    /// <summary>
    /// The instruction pointer and then the return addresses of the sample's stack, innermost first, at most
    /// <paramref name="depth"/>; the walk ends where the copy, the call frame information or the stack ends.
    /// </summary>
    public IReadOnlyList<ulong> Unwind(UserStackSample sample, int depth)
    {
        var maps = processMaps(sample.Pid);
        var registers = new ulong?[RegisterCount];
        registers[X64Registers.Rsp] = sample.Sp;
        registers[X64Registers.Rbp] = sample.Bp;
        registers[X64Registers.Rbx] = sample.Bx;
        var pc = sample.Ip;
        var frames = new List<ulong>();
        var exact = true; // the first pc is where the thread stopped; later ones are return addresses
        while (pc != 0 && frames.Count < depth)
        {
            frames.Add(pc);
            var lookup = exact ? pc : pc - 1;
            if (Step(maps, lookup, registers, sample, out exact) is not { } caller || registers[X64Registers.Rsp] is null)
                break;
            pc = caller;
        }
        return frames;
    }

    /// <summary>One frame up: the caller's registers in place of the callee's, and its pc; null where the walk ends.</summary>
    private ulong? Step(ProcessMaps maps, ulong pc, ulong?[] registers, UserStackSample sample, out bool exact)
    {
        exact = false;
        var sp = registers[X64Registers.Rsp]!.Value;
        if (maps.Find(pc) is { } mapping && Table(mapping.Path) is { } table
            && table.AddressOf(pc - mapping.Start + mapping.FileOffset) is { } address
            && table.Find(address) is { } fde)
        {
            CfiRow row;
            try
            {
                row = CfiProgram.RowAt(fde, address);
            }
            catch (InvalidDataException)
            {
                return null;
            }
            var current = (ulong?[])registers.Clone();
            ulong? Register(int r) => r < RegisterCount ? current[r] : null;
            var cfa = row.Cfa.Expression is { } expression
                ? DwarfExpression.Evaluate(expression, Register, sample.Read)
                : Register(row.Cfa.Register) + (ulong)row.Cfa.Offset;
            if (cfa is not { } frameAddress)
                return null;
            var returnAddress = Recover(row.Rule(fde.Cie.ReturnRegister), frameAddress, current, sample, null);
            for (var r = 0; r < RegisterCount; r++)
                registers[r] = r == X64Registers.Rsp ? frameAddress : Recover(row.Rule(r), frameAddress, current, sample, current[r]);
            if (row.Rule(X64Registers.Rsp).Kind is not (RegisterRuleKind.Unset or RegisterRuleKind.SameValue))
                registers[X64Registers.Rsp] = Recover(row.Rule(X64Registers.Rsp), frameAddress, current, sample, frameAddress);
            exact = fde.Cie.IsSignalFrame;
            // A frame must move up the stack, or the walk could go round in circles.
            return registers[X64Registers.Rsp] is { } callerSp && (callerSp > sp || exact) ? returnAddress : null;
        }
        return FramePointerStep(registers, sample, sp);
    }

    /// <summary>Code without call frame information (JIT code): push rbp; mov rsp, rbp gives the frame record at rbp.</summary>
    private static ulong? FramePointerStep(ulong?[] registers, UserStackSample sample, ulong sp)
    {
        if (registers[X64Registers.Rbp] is not { } bp || bp < sp || sample.Read(bp + 8) is not { } returnAddress)
            return null;
        var callerBp = sample.Read(bp);
        Array.Clear(registers);
        registers[X64Registers.Rbp] = callerBp;
        registers[X64Registers.Rsp] = bp + 16;
        return returnAddress;
    }

    private static ulong? Recover(RegisterRule rule, ulong cfa, ulong?[] registers, UserStackSample sample, ulong? unchanged)
    {
        ulong? Register(int r) => r < RegisterCount ? registers[r] : null;
        return rule.Kind switch
        {
            RegisterRuleKind.Unset or RegisterRuleKind.SameValue => unchanged,
            RegisterRuleKind.Offset => sample.Read(cfa + (ulong)rule.Offset),
            RegisterRuleKind.ValueOffset => cfa + (ulong)rule.Offset,
            RegisterRuleKind.Register => Register(rule.Register),
            RegisterRuleKind.Expression => DwarfExpression.Evaluate(rule.Expression!, Register, sample.Read, cfa) is { } at ? sample.Read(at) : null,
            RegisterRuleKind.ValueExpression => DwarfExpression.Evaluate(rule.Expression!, Register, sample.Read, cfa),
            _ => null,
        };
    }

    private CallFrameTable? Table(string path)
    {
        if (!_tables.TryGetValue(path, out var table))
        {
            try
            {
                table = CallFrameTable.Read(path);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or OverflowException)
            {
                table = null;
            }
            _tables[path] = table;
        }
        return table;
    }
}
