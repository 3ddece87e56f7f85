using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>Lowers a bound program: each probe's IR where Lowering covers it, with the map and record tables given.</summary>
internal static class ProgramLowerer
{
    /// <summary>
    /// Lowers every probe. <paramref name="maps"/> is the map table (<paramref name="scriptMaps"/> says which entry
    /// holds each script map), <paramref name="records"/> the record table, <paramref name="builtins"/> how builtins lower.
    /// </summary>
    public static LoweredProgram Lower(BoundProgram program, IReadOnlyList<LoweredMap> maps, IReadOnlyDictionary<MapSymbol, LoweredMap> scriptMaps,
        IReadOnlyList<LoweredRecord> records, IBuiltinLowerings builtins)
    {
        var byId = records.ToDictionary(r => r.Id);
        var loopProbes = program.Probes.Where(LoopVariables.HasLoops).ToList();
        var loopMap = maps.FirstOrDefault(m => m.Ref.Name == LoopVariables.MapName);
        var probes = program.Probes
            .Select(p => LowerProbe(p, scriptMaps, byId, builtins,
                loopMap is not null && loopProbes.IndexOf(p) is var entry and >= 0 ? new LoopVariablesEntry(loopMap, entry) : null))
            .ToList();
        return new LoweredProgram(probes, maps, records);
    }

    private static LoweredProbe LowerProbe(BoundProbe probe, IReadOnlyDictionary<MapSymbol, LoweredMap> maps, IReadOnlyDictionary<int, LoweredRecord> records,
        IBuiltinLowerings builtins, LoopVariablesEntry? loopVariables)
    {
        try
        {
            return new LoweredProbe(probe.Name, ProbeLowerer.Lower(probe, maps, records, builtins, loopVariables), null)
            {
                SyscallBody = LowerForRawSyscallTracepoint(probe, maps, records, builtins, loopVariables),
            };
        }
        catch (LoweringNotSupportedException e)
        {
            return new LoweredProbe(probe.Name, null, e.Construct);
        }
    }

    // The same probe for the raw sys_enter/sys_exit tracepoint, when it is on syscalls tracepoints of one direction.
    // A probe that records stacks keeps the tracepoint's perf event: a stack taken on the raw tracepoint starts in
    // the BPF programs, not at perf_syscall_enter as the tracepoint's does.
    private static IrFunction? LowerForRawSyscallTracepoint(BoundProbe probe, IReadOnlyDictionary<MapSymbol, LoweredMap> maps,
        IReadOnlyDictionary<int, LoweredRecord> records, IBuiltinLowerings builtins, LoopVariablesEntry? loopVariables)
    {
        if (ProbeLowerer.SyscallDirectionOf(probe) is not { } direction)
            return null;
        try
        {
            var function = ProbeLowerer.Lower(probe, maps, records, builtins, loopVariables, direction);
            return RecordsStacks(function) ? null : function;
        }
        catch (LoweringNotSupportedException)
        {
            return null;
        }
    }

    private static bool RecordsStacks(IrFunction function) => function.Ops.Any(op => op switch
    {
        CallOp { Callee: HelperCallee call } => call.Helper is Bpf.HelperFunction.GetStackid or Bpf.HelperFunction.GetStack,
        MapWalkOp walk => RecordsStacks(walk.Callback.Body),
        LoopCallOp loop => RecordsStacks(loop.Callback.Body),
        _ => false,
    });
}
