using System.Text;
using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Probes;

/// <summary><c>-l</c>: the probes this machine offers, by full name, and with <c>-v</c> the arguments of each.</summary>
internal static class ProbeListing
{
    /// <summary>
    /// Probe names matching <paramref name="pattern"/> (every probe when null): BEGIN, END, and each tracepoint as
    /// <c>tracepoint:CATEGORY:NAME</c>. The pattern matches the full name with <c>*</c> and <c>?</c>; its provider
    /// may be an alias (<c>t:syscalls:*</c>), and a pattern with no provider matches every provider.
    /// </summary>
    public static IEnumerable<string> List(ITracepointCatalog tracepoints, string? pattern)
    {
        var expanded = Expand(pattern);
        foreach (var special in new[] { "BEGIN", "END" })
            if (expanded is null || Wildcard.Matches(expanded, special))
                yield return special;
        // Only read tracefs when the pattern can name a tracepoint.
        if (expanded is not null && !Wildcard.Matches(expanded.Split(':')[0], "tracepoint") && expanded.Contains(':'))
            yield break;
        // Sorted by full name, as bpftrace sorts them.
        foreach (var full in tracepoints.List().Select(t => $"tracepoint:{t.Category}:{t.Name}").Order(StringComparer.Ordinal))
            if (expanded is null || Wildcard.Matches(expanded, full))
                yield return full;
    }

    /// <summary>The arguments of a listed probe as <c>-lv</c> prints them (one indented C declaration a line), or "".</summary>
    public static string Arguments(ITracepointCatalog tracepoints, string probe)
    {
        var parts = probe.Split(':');
        if (parts is not ["tracepoint", var category, var name] || tracepoints.Format(category, name) is not { } format)
            return "";
        var text = new StringBuilder();
        foreach (var field in format.Fields)
            text.Append("    ").Append(Declaration(field)).Append('\n');
        return text.ToString();
    }

    private static string Declaration(TracepointField field)
    {
        if (field.IsDataLoc)
            return $"__data_loc {field.CType} {field.Name}";
        return field.ArrayLength is { } length ? $"{field.CType} {field.Name}[{length}]" : $"{field.CType} {field.Name}";
    }

    private static string? Expand(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
            return null;
        var colon = pattern.IndexOf(':');
        if (colon < 0)
            return pattern;
        var provider = pattern[..colon];
        return ProbeSpecResolver.Aliases.GetValueOrDefault(provider, provider) + pattern[colon..];
    }

    /// <summary>The probes one a line; with <paramref name="withArguments"/> each followed by its arguments.</summary>
    public static string Format(ITracepointCatalog tracepoints, IEnumerable<string> probes, bool withArguments)
    {
        var text = new System.Text.StringBuilder();
        foreach (var probe in probes)
        {
            text.Append(probe).Append('\n');
            if (withArguments)
                text.Append(Arguments(tracepoints, probe));
        }
        return text.ToString();
    }
}
