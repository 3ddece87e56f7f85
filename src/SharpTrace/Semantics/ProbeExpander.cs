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
        {
            if (WithParameters(point, config, diagnostics) is { } substituted)
                specs.AddRange(kinds.Resolve(substituted, resolution));
        }
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
    /// The attach point with each unquoted <c>$N</c> replaced by the Nth positional parameter's text (empty when not
    /// given), as both bpftraces read them there (<c>uprobe:$1:main</c>, <c>interval:s:$1</c>,
    /// <c>uprobe:aa$1aa:f</c>); a quoted part keeps its <c>$</c> (<c>uprobe:"$1":f</c>). Any other <c>$</c>
    /// (<c>$#</c>, <c>$0</c>, <c>$a</c>) is the newest bpftrace's error, and null is returned.
    /// </summary>
    private static AttachPoint? WithParameters(AttachPoint point, ProgramConfig? config, DiagnosticBag diagnostics)
    {
        if (!point.Raw.Contains('$', StringComparison.Ordinal))
            return point;
        var parameters = config?.PositionalParameters ?? [];
        // The raw text's parts after the provider line up with Parts: both split at the colons outside quotes.
        var rawParts = SplitOutsideQuotes(point.Raw);
        var parts = point.Parts.ToList();
        var rawOut = new List<string>(rawParts);
        for (var i = 1; i < rawParts.Count && i - 1 < parts.Count; i++)
        {
            var raw = rawParts[i];
            if (!HasUnquotedDollar(raw))
                continue;
            var text = new System.Text.StringBuilder();
            var quoted = false;
            for (var j = 0; j < raw.Length; j++)
            {
                var c = raw[j];
                if (c == '"')
                    quoted = !quoted;
                else if (quoted && c == '\\' && j + 1 < raw.Length)
                    text.Append(raw[++j]);
                else if (quoted || c != '$')
                    text.Append(c);
                else
                {
                    var end = j + 1;
                    while (end < raw.Length && char.IsAsciiDigit(raw[end]) && !(end == j + 1 && raw[end] == '0'))
                        end++;
                    if (end == j + 1)
                    {
                        var next = j + 1 < raw.Length ? raw[j + 1].ToString() : "";
                        diagnostics.Error(point.Span, $"invalid trailing character for positional param: {next}. Try quoting this entire part if this is intentional e.g. \"${next}\".");
                        return null;
                    }
                    var n = int.TryParse(raw.AsSpan(j + 1, end - j - 1), out var index) ? index : int.MaxValue;
                    text.Append(n <= parameters.Count ? parameters[n - 1] : "");
                    j = end - 1;
                }
            }
            parts[i - 1] = rawOut[i] = text.ToString();
        }
        return point with { Raw = string.Join(':', rawOut), Parts = parts };
    }

    private static List<string> SplitOutsideQuotes(string raw)
    {
        var parts = new List<string>();
        var start = 0;
        foreach (var colon in Unquoted(raw, ':'))
        {
            parts.Add(raw[start..colon]);
            start = colon + 1;
        }
        parts.Add(raw[start..]);
        return parts;
    }

    private static bool HasUnquotedDollar(string raw) => Unquoted(raw, '$').Any();

    // Where `c` stands outside double quotes; inside them a backslash escapes the next character.
    private static IEnumerable<int> Unquoted(string raw, char c)
    {
        var quoted = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '"')
                quoted = !quoted;
            else if (quoted && raw[i] == '\\')
                i++;
            else if (!quoted && raw[i] == c)
                yield return i;
        }
    }

    /// <summary>bpftrace's limit on attach points over the whole program (<c>max_probes</c>).</summary>
    public static void CheckProbeCount(IReadOnlyList<BoundProbe> probes, ProgramConfig config, DiagnosticBag diagnostics)
    {
        var attachPoints = probes.Sum(p => p.AttachPoints.Count);
        if (attachPoints > config.MaxProbes)
            diagnostics.Error(default, $"Can not attach more than {config.MaxProbes} probes ({attachPoints} requested): raise max_probes (config or BPFTRACE_MAX_PROBES)");
    }
}
