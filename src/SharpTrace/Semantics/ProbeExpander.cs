using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// A probe's attach points as the kernel sees them: wildcards expanded, names resolved (tracepoints, functions,
/// binaries' symbols). Binaries read for uprobes are kept for the compilation, so every fixpoint pass reuses them.
/// </summary>
internal sealed class ProbeExpander(ITracepointCatalog tracepoints, ProbeKinds kinds, Kernel.Elf.DebugFileLocator locator)
{
    private readonly Dictionary<string, Kernel.Elf.ElfFile> _elfFiles = new(StringComparer.Ordinal);
    private readonly CTypes.UserDebugInfo _debugInfo = new(locator);

    /// <summary>
    /// Every attach point of <paramref name="probe"/>, all of one kind; empty when none resolves or kinds are mixed.
    /// <paramref name="config"/>'s <c>missing_probes</c> says whether a point that matches nothing is an error or
    /// skipped; a probe left with no point is then dropped, with bpftrace's warning under <c>warn</c>.
    /// </summary>
    public IReadOnlyList<ProbeSpec> Expand(Probe probe, DiagnosticBag diagnostics, ProgramConfig? config = null)
    {
        var resolution = new ProbeResolution(tracepoints, diagnostics, _elfFiles, config) { DebugInfo = _debugInfo };
        var missingProbes = resolution.MissingProbes;
        var errors = diagnostics.ErrorCount;
        var specs = new List<ProbeSpec>();
        foreach (var point in probe.AttachPoints)
            specs.AddRange(kinds.Resolve(WithParameters(point, config), resolution));
        if (specs.Count == 0)
        {
            if (diagnostics.ErrorCount == errors && missingProbes == "warn" && probe.AttachPoints.Count > 0)
                diagnostics.Warning(probe.AttachPoints[0].Span, "Probe has no valid attach points. It is being removed which may cause issues with program behavior.");
            return [];
        }
        if (specs.Select(s => s.Kind).Distinct().Count() > 1)
        {
            diagnostics.Error(probe.AttachPoints[0].Span, "A probe's attach points must all be of one kind");
            return [];
        }
        if (specs[0].Kind.AttachPointsProblem(specs) is { } problem)
        {
            diagnostics.Error(probe.AttachPoints[^1].Span, problem);
            return [];
        }
        return specs;
    }

    /// <summary>
    /// The attach point with <c>$N</c> and <c>$#</c> replaced by the positional parameters' text and count, as the newest
    /// bpftrace reads them there (<c>uprobe:$1:main</c>, <c>interval:s:$1</c>); a parameter not given is empty.
    /// </summary>
    private static AttachPoint WithParameters(AttachPoint point, ProgramConfig? config)
    {
        if (!point.Raw.Contains('$', StringComparison.Ordinal))
            return point;
        var parameters = config?.PositionalParameters ?? [];
        string Substitute(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\$(#|[0-9]+)", m =>
            m.Groups[1].Value == "#" ? parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : int.TryParse(m.Groups[1].Value, out var n) && n >= 1 && n <= parameters.Count ? parameters[n - 1] : "");
        return point with { Raw = Substitute(point.Raw), Parts = point.Parts.Select(Substitute).ToList() };
    }

    /// <summary>bpftrace's limit on attach points over the whole program (<c>max_probes</c>).</summary>
    public static void CheckProbeCount(IReadOnlyList<BoundProbe> probes, ProgramConfig config, DiagnosticBag diagnostics)
    {
        var attachPoints = probes.Sum(p => p.AttachPoints.Count);
        if (attachPoints > config.MaxProbes)
            diagnostics.Error(default, $"Can not attach more than {config.MaxProbes} probes ({attachPoints} requested): raise max_probes (config or BPFTRACE_MAX_PROBES)");
    }
}
