using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(KprobeProbe))]
[assembly: ProbeKindProvider(typeof(KretprobeProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>kprobe:[MODULE:]FUNCTION[+OFFSET]</c> (<c>k</c>) and <c>kretprobe</c> (<c>kr</c>): a perf event of the kprobe PMU
/// on a kernel function. The context is a <c>struct pt_regs</c>: <c>arg0</c>.. in a kprobe, <c>retval</c> in a
/// kretprobe. Wildcards expand over the kernel's traceable functions (<see cref="TraceableFunctions"/>), as the newest
/// bpftrace's probe matcher: <c>kprobe:vfs_*</c> over function names (named without their module), <c>kprobe:ext4:*</c>
/// and <c>kprobe:*:vfs_read</c> over <c>MODULE:FUNCTION</c> (named with it). A function named exactly must be in the
/// list too (unless <c>--unsafe</c>). On a kernel without kprobes (this project's test machine) the probe cannot
/// attach, and says why before anything loads.
/// </summary>
internal abstract class KprobeFamily : KernelFunctionProbe
{
    private const string Pmu = "kprobe";

    /// <summary>kretprobe: the probe fires when the function returns.</summary>
    protected abstract bool IsReturn { get; }

    public override BpfProgramType ProgramType => BpfProgramType.Kprobe;

    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var written = base.Resolve(point, resolution).ToList();
        if (written is not [var spec] || resolution.Tracepoints.TraceableFunctions() is not { } functions)
            return written;
        // Without the list, a kernel that has no kprobes keeps the point as written, so the run says that instead.
        if (functions.Problem is not null)
        {
            if (!PerfEvent.HasPmu(Pmu))
                return written;
            resolution.Diagnostics.Warning(point.Span, $"Could not read functions from {functions.Path}: {functions.Problem}");
        }

        var (module, function) = (spec.Target, spec.Name);
        var what = module.Length > 0 ? $"{module}:{function}" : function;
        if (Wildcard.Has(module) || Wildcard.Has(function))
        {
            var found = functions.Matching(module.Length > 0 ? module : null, what)
                .Select(match => match.Split(':', 2) is [var mod, var name] ? spec with { Target = mod, Name = name } : spec with { Name = match })
                .ToList();
            if (found.Count == 0)
                resolution.NoMatches(point, this, what);
            return found;
        }

        if (functions.Problem is null && module.Length > 0 && !functions.HasModule(module))
        {
            resolution.Diagnostics.Error(point.Span, $"specified module {module} in probe {Name}:{module}:{function} is not loaded.");
            return [];
        }
        if (functions.Has(function, module.Length > 0 ? module : null))
            return written;
        // As the newest bpftrace: --unsafe tries a function the list lacks (a notrace one the kernel may allow).
        if (resolution.Config?.Unsafe == true)
        {
            resolution.Diagnostics.Warning(point.Span,
                $"{function} is not traceable (either non-existing, inlined, or marked as \"notrace\"); attaching to it will likely fail");
            return written;
        }
        resolution.NoMatches(point, this, what);
        return [];
    }

    public override string? Unavailability(ProbeSpec spec)
    {
        if (!PerfEvent.HasPmu(Pmu))
            return UnavailableReason;
        // Only a catalog that does not know the kernel's functions (a test's) leaves a wildcard unexpanded.
        return Wildcard.Has(spec.Target) || Wildcard.Has(spec.Name) ? "a wildcard kprobe needs the list of traceable kernel functions" : null;
    }

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProbeAttacher.AttachToEvent(
            PerfEvent.OpenKprobe(spec.Target is "" or TraceableFunctions.KernelImage ? spec.Name : $"{spec.Target}:{spec.Name}", spec.Offset, IsReturn, spec.ToString()),
            program);

    /// <summary>
    /// <c>-l kprobe:PATTERN</c> lists function names (<c>kprobe:vfs_read</c>), <c>-l kprobe:MODULE:PATTERN</c> the
    /// functions of the modules MODULE names with their module (<c>kprobe:ext4:ext4_sync_fs</c>), sorted, as the newest
    /// bpftrace. Without a readable list nothing is listed, and the warning says why.
    /// </summary>
    public override IEnumerable<string> List(string pattern, ListingMachine machine, Action<string> warning)
    {
        var functions = machine.Tracepoints.TraceableFunctions();
        if (functions is null || functions.Problem is not null)
        {
            warning(!PerfEvent.HasPmu(Pmu) || functions is null ? UnavailableReason : $"Could not read functions from {functions.Path}: {functions.Problem}");
            return [];
        }
        var colon = pattern.IndexOf(':');
        var search = colon < 0 ? "*" : pattern[(colon + 1)..];
        var module = search.IndexOf(':') is var second and >= 0 ? search[..second] : null;
        return functions.Matching(module, search).Select(match => $"{Name}:{match}");
    }

    /// <summary>Under a wildcard provider (and a bare <c>-l</c>) kprobes are listed when the list is readable, silently otherwise.</summary>
    public override IEnumerable<string> ListUnderWildcardProvider(string pattern, ListingMachine machine) =>
        ListedByDefault ? List(pattern, machine, _ => { }) : [];
}

internal sealed class KprobeProbe : KprobeFamily
{
    public override string Name => "kprobe";
    public override IReadOnlyList<string> Aliases => ["k"];
    protected override bool IsReturn => false;
    protected override bool TakesOffset => true;
    public override ProbeContext Context { get; } = new() { Arguments = ArgumentSource.Registers, Func = FuncSource.KernelInstructionPointer };
    protected override string UnavailableReason => "kprobes are not available: this kernel is built without CONFIG_KPROBES";

    // bpftrace's kernel probe list has kprobes, not kretprobes.
    public override bool ListedByDefault => true;
}

internal sealed class KretprobeProbe : KprobeFamily
{
    public override string Name => "kretprobe";
    public override IReadOnlyList<string> Aliases => ["kr"];
    protected override bool IsReturn => true;
    public override ProbeContext Context { get; } = new() { Retval = RetvalSource.Register, Func = FuncSource.AttachPointOnly };
    protected override string UnavailableReason => "kretprobes are not available: this kernel is built without CONFIG_KPROBES";
}
