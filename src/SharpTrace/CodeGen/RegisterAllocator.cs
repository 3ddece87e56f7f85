using SharpTrace.Bpf;
using SharpTrace.Lowering;

namespace SharpTrace.CodeGen;

/// <summary>Where each virtual register lives: a machine register, or (spilled) an 8-byte stack slot.</summary>
internal sealed record RegisterAssignment(IReadOnlyDictionary<VReg, Reg> Registers, IReadOnlyList<VReg> Spilled);

/// <summary>
/// Linear-scan allocation of virtual registers onto r0-r9. A value that lives across a helper call can only use
/// the callee-saved r6-r9 (helpers clobber r0-r5); one that does not prefers where it is needed: r0 for a call's
/// result, r1-r5 for a helper's argument. A value that finds no register is spilled to the stack. Two values of one
/// operation never share a register, so an operation can write its result before reading all its operands. At most
/// <see cref="MaxLive"/> values hold a register at once, so however deep an expression, every operation finds the
/// scratch registers it needs (to reload spilled operands, to copy through).
/// </summary>
internal static class RegisterAllocator
{
    private static readonly Reg[] CalleeSaved = [Reg.R6, Reg.R7, Reg.R8, Reg.R9];
    /// <summary>
    /// Values in registers at any one operation: the other three stay free for the translator (a copy between two
    /// spilled pointers reloads both and moves the bytes through a third).
    /// </summary>
    public const int MaxLive = 7;

    private static readonly Reg[] Any = [Reg.R0, Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R6, Reg.R7, Reg.R8, Reg.R9];

    public static RegisterAssignment Allocate(IrLiveness liveness)
    {
        var assigned = new Dictionary<VReg, Reg>();
        var spilled = new List<VReg>();
        var active = new List<(VReg Register, LiveInterval Interval)>();
        foreach (var (register, interval) in liveness.Registers.OrderBy(p => p.Value.Start).ThenBy(p => p.Key.Id))
        {
            active.RemoveAll(a => a.Interval.End < interval.Start);
            var crosses = liveness.CrossesCall(register);
            IEnumerable<Reg> choices = crosses ? CalleeSaved : Preferred(liveness, register, interval);
            // Defined from a value that dies here: take over its register (no move needed).
            if (liveness.DefinedFrom.TryGetValue(register, out var from)
                && active.FindIndex(a => a.Register == from && a.Interval.End == interval.Start) is var index and >= 0
                && choices.Contains(assigned[from]))
            {
                active.RemoveAt(index);
                choices = choices.Prepend(assigned[from]);
            }
            var busy = active.Select(a => assigned[a.Register]).ToHashSet();
            var free = active.Count < MaxLive ? choices.Where(r => !busy.Contains(r)).Cast<Reg?>().FirstOrDefault() : null;
            if (free is { } reg)
            {
                assigned[register] = reg;
                active.Add((register, interval));
            }
            else
                spilled.Add(register);
        }
        return new RegisterAssignment(assigned, spilled);
    }

    private static IEnumerable<Reg> Preferred(IrLiveness liveness, VReg register, LiveInterval interval)
    {
        if (interval.Start == IrLiveness.Entry)
            yield return (Reg)(liveness.Parameters.GetValueOrDefault(register) + 1); // arguments arrive in r1, r2...
        if (liveness.CallResults.Contains(register))
            yield return Reg.R0;
        if (liveness.ArgumentHints.TryGetValue(register, out var argument) && argument < 5)
            yield return (Reg)(argument + 1);
        foreach (var reg in Any)
            yield return reg;
    }
}
