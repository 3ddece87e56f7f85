using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Probes;

/// <summary>Resolves an attach point as written (aliases, wildcards) to the concrete probes it names.</summary>
public static class ProbeSpecResolver
{
    internal static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["t"] = "tracepoint", ["tp"] = "tracepoint",
        ["k"] = "kprobe", ["kr"] = "kretprobe", ["f"] = "fentry", ["fr"] = "fexit",
        ["u"] = "uprobe", ["ur"] = "uretprobe", ["U"] = "usdt", ["rt"] = "rawtracepoint",
        ["p"] = "profile", ["i"] = "interval", ["s"] = "software", ["h"] = "hardware",
        ["w"] = "watchpoint", ["aw"] = "asyncwatchpoint", ["it"] = "iter",
        ["kfunc"] = "fentry", ["kretfunc"] = "fexit",
    };

    /// <summary>Why a probe kind cannot run on this machine, for kinds the kernel lacks.</summary>
    private static readonly Dictionary<string, string> Unavailable = new(StringComparer.Ordinal)
    {
        ["kprobe"] = "kprobes are not available: this kernel is built without CONFIG_KPROBES",
        ["kretprobe"] = "kretprobes are not available: this kernel is built without CONFIG_KPROBES",
        ["fentry"] = "fentry probes are not available: this kernel refuses BPF trampolines (EPERM)",
        ["fexit"] = "fexit probes are not available: this kernel refuses BPF trampolines (EPERM)",
    };

    public static IEnumerable<ProbeSpec> Resolve(AttachPoint point, ITracepointCatalog tracepoints, DiagnosticBag diagnostics)
    {
        var provider = Aliases.GetValueOrDefault(point.Provider, point.Provider);
        switch (provider)
        {
            case "BEGIN" or "begin":
                return [new ProbeSpec(ProbeKind.Begin)];
            case "END" or "end":
                return [new ProbeSpec(ProbeKind.End)];
            case "tracepoint":
                return ResolveTracepoint(point, tracepoints, diagnostics);
            default:
                if (Unavailable.TryGetValue(provider, out var reason))
                    diagnostics.Error(point.Span, reason);
                else
                    diagnostics.Error(point.Span, $"Probe type '{point.Provider}' is not supported yet");
                return [];
        }
    }

    private static List<ProbeSpec> ResolveTracepoint(AttachPoint point, ITracepointCatalog tracepoints, DiagnosticBag diagnostics)
    {
        if (point.Parts.Count != 2)
        {
            diagnostics.Error(point.Span, "tracepoint probes need a category and a name: tracepoint:CATEGORY:NAME");
            return [];
        }
        var (category, name) = (point.Parts[0], point.Parts[1]);
        List<ProbeSpec> found;
        if (HasWildcard(category) || HasWildcard(name))
            found = tracepoints.List()
                .Where(t => Wildcard.Matches(category, t.Category) && Wildcard.Matches(name, t.Name))
                .OrderBy(t => t.Category, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => new ProbeSpec(ProbeKind.Tracepoint, t.Category, t.Name))
                .ToList();
        else
            found = tracepoints.Format(category, name) is null ? [] : [new ProbeSpec(ProbeKind.Tracepoint, category, name)];
        if (found.Count == 0)
            diagnostics.Error(point.Span, HasWildcard(category) || HasWildcard(name)
                ? $"No probes match {point.Raw}"
                : $"tracepoint not found: {category}:{name}");
        return found;
    }

    private static bool HasWildcard(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;
}

/// <summary>Shell-style matching of <c>*</c> and <c>?</c>, as in attach points.</summary>
public static class Wildcard
{
    public static bool Matches(string pattern, string text) => Match(pattern, 0, text, 0);

    private static bool Match(string pattern, int p, string text, int t)
    {
        while (p < pattern.Length)
        {
            switch (pattern[p])
            {
                case '*':
                    for (var skip = t; skip <= text.Length; skip++)
                        if (Match(pattern, p + 1, text, skip))
                            return true;
                    return false;
                case '?':
                    if (t >= text.Length)
                        return false;
                    break;
                default:
                    if (t >= text.Length || text[t] != pattern[p])
                        return false;
                    break;
            }
            p++;
            t++;
        }
        return t == text.Length;
    }
}
