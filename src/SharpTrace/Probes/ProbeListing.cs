using System.Text;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Kernel.Btf;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Probes;

/// <summary>A binary a uprobe listing reads: its full path and the names of its function symbols.</summary>
internal sealed record UprobeBinary(string Path, IReadOnlyList<string> Functions);

/// <summary>
/// <c>-l</c>: the probes this machine offers, by full name, and with <c>-v</c> the arguments of each. The machine is
/// read through the constructor's arguments, so tests can give fakes.
/// </summary>
/// <param name="tracepoints">Tracepoints and their formats, and the names of raw tracepoints.</param>
/// <param name="rawTracepointArguments">A raw tracepoint's arguments (from BTF), or null when unknown.</param>
/// <param name="findBinary">The file a uprobe target names (a path, a program on PATH or a library) with its functions, or null when there is none; throws <see cref="CompileException"/> when it cannot be read.</param>
internal sealed class ProbeListing(
    ITracepointCatalog tracepoints,
    Func<string, IReadOnlyList<CParameter>?> rawTracepointArguments,
    Func<string, UprobeBinary?> findBinary)
{
    // The kinds a listing shows without being named, as bpftrace's "kernel probe list": hardware, kprobe, fentry
    // and iter are left out because sharptrace cannot run them here.
    private static readonly string[] KernelKinds = ["rawtracepoint", "software", "tracepoint"];

    // The units ProbeSpecResolver accepts for interval and profile.
    private static readonly string[] TimeUnits = ["hz", "ms", "s", "us"];

    /// <summary>The listing of this machine: tracepoints from tracefs, raw tracepoints from BTF, uprobes from ELF files.</summary>
    public static ProbeListing ForThisMachine()
    {
        var btf = new Lazy<BtfTypes?>(BtfTypes.LoadVmlinux);
        return new ProbeListing(new TracefsCatalog(), name => btf.Value?.FindTracepointArguments(name), ReadBinary);
    }

    /// <summary>
    /// Probe names matching <paramref name="pattern"/>, as bpftrace prints them; every raw tracepoint, software event
    /// and tracepoint when null. The pattern matches full names with <c>*</c> and <c>?</c>; its provider may be an
    /// alias (<c>t:syscalls:*</c>) or a wildcard, and a pattern without a provider (<c>*openat*</c>) is matched as
    /// <c>*:PATTERN</c>. Interval, profile and uprobe probes are listed only when the pattern names their provider;
    /// a uprobe pattern names a binary (<c>uprobe:/bin/bash:read*</c>, <c>uprobe:libc:malloc*</c>). Kinds this
    /// machine cannot run print nothing and a <paramref name="warning"/> saying why. Throws
    /// <see cref="CompileException"/> when a uprobe pattern's binary is missing or unreadable.
    /// </summary>
    public IEnumerable<string> List(string? pattern, Action<string> warning)
    {
        if (string.IsNullOrEmpty(pattern))
            return KernelKinds.SelectMany(kind => Matching(Entries(kind), "*"));
        // bpftrace 0.17 prints "special::" here; the probe's own name is more use.
        if (pattern is "BEGIN" or "END")
            return [pattern];
        var colon = pattern.IndexOf(':');
        if (colon < 0)
            return KernelKinds.SelectMany(kind => Matching(Entries(kind), "*:" + pattern));

        var provider = ProbeSpecResolver.Aliases.GetValueOrDefault(pattern[..colon], pattern[..colon]);
        var expanded = provider + pattern[colon..];
        var target = UprobeTarget(pattern[(colon + 1)..]);
        if (HasWildcard(provider))
        {
            var matches = KernelKinds.Where(kind => Wildcard.Matches(provider, kind)).SelectMany(kind => Matching(Entries(kind), expanded));
            // As bpftrace: uprobes only join a wildcard provider when the pattern names an existing binary.
            if (Wildcard.Matches(provider, "uprobe") && target is not null && !HasWildcard(target) && findBinary(target) is { } found)
                matches = matches.Concat(Matching(UprobeEntries("uprobe", target, found), expanded));
            return matches;
        }
        switch (provider)
        {
            case "rawtracepoint" or "software" or "tracepoint" or "interval" or "profile":
                return Matching(Entries(provider), expanded);
            case "uprobe" or "uretprobe":
                if (target is null)
                    throw new CompileException($"{provider} probes need a binary and a function: {provider}:/path/to/binary:FUNCTION");
                if (HasWildcard(target))
                    throw new CompileException($"{provider} listing needs a binary without wildcards, not '{target}'");
                if (findBinary(target) is not { } binary)
                    throw new CompileException($"{provider} target file '{target}' does not exist or is not executable");
                return Matching(UprobeEntries(provider, target, binary), expanded);
            case "BEGIN" or "END" or "begin" or "end":
                return [];
            default:
                warning(ProbeSpecResolver.Unavailable.GetValueOrDefault(provider, $"Probe type '{pattern[..colon]}' is not supported yet"));
                return [];
        }
    }

    /// <summary>
    /// The arguments of a listed probe as <c>-lv</c> prints them (one indented C declaration a line), or "":
    /// tracepoints from their tracefs format, raw tracepoints from BTF.
    /// </summary>
    public string Arguments(string probe)
    {
        var parts = probe.Split(':');
        var text = new StringBuilder();
        switch (parts)
        {
            case ["tracepoint", var category, var name] when tracepoints.Format(category, name) is { } format:
                foreach (var field in format.Fields)
                    text.Append("    ").Append(Declaration(field)).Append('\n');
                break;
            case ["rawtracepoint", .., var name] when parts.Length is 2 or 3 && rawTracepointArguments(name) is { } arguments:
                // As bpftrace: the type as C writes it without a name, a space, then the name.
                foreach (var argument in arguments)
                    text.Append("    ").Append(argument.Type.Name).Append(' ').Append(argument.Name).Append('\n');
                break;
        }
        return text.ToString();
    }

    /// <summary>
    /// The probes one a line; with <paramref name="withArguments"/> each followed by its arguments. uprobes have
    /// none: bpftrace reads them from DWARF, which sharptrace does not, and <paramref name="warning"/> says so once.
    /// </summary>
    public string Format(IEnumerable<string> probes, bool withArguments, Action<string> warning)
    {
        var text = new StringBuilder();
        var warned = false;
        foreach (var probe in probes)
        {
            text.Append(probe).Append('\n');
            if (!withArguments)
                continue;
            text.Append(Arguments(probe));
            if (!warned && probe.StartsWith("uprobe:", StringComparison.Ordinal))
            {
                warning("uprobe arguments are not listed: sharptrace does not read DWARF debug information");
                warned = true;
            }
        }
        return text.ToString();
    }

    // A listed probe: its full name, and the spellings a pattern may match it by.
    private sealed record Entry(string Name, params string[] Spellings);

    // The entries that match, sorted by full name as bpftrace sorts each kind's matches.
    private static IEnumerable<string> Matching(IEnumerable<Entry> entries, string pattern) =>
        entries.Where(e => Wildcard.Matches(pattern, e.Name) || e.Spellings.Any(s => Wildcard.Matches(pattern, s)))
            .Select(e => e.Name).Distinct().Order(StringComparer.Ordinal);

    private IEnumerable<Entry> Entries(string kind) => kind switch
    {
        "tracepoint" => tracepoints.List().Select(t => new Entry($"tracepoint:{t.Category}:{t.Name}")),
        // Newer bpftrace writes the module (rawtracepoint:vmlinux:sched_switch); both spellings attach.
        "rawtracepoint" => tracepoints.RawTracepoints().Select(name => new Entry($"rawtracepoint:{name}", $"rawtracepoint:vmlinux:{name}")),
        // bpftrace lists each alias as an event of its own, with a trailing colon (the count left out); a pattern
        // may leave that colon out.
        "software" => SoftwareEvent.All.SelectMany(e => e.Alias is null ? [e.Name] : new[] { e.Name, e.Alias })
            .Select(name => new Entry($"software:{name}:", $"software:{name}")),
        "interval" or "profile" => TimeUnits.Select(unit => new Entry($"{kind}:{unit}:", $"{kind}:{unit}")),
        _ => [],
    };

    // Printed with the binary's full path, matched with the target as the pattern writes it (uprobe:libc:malloc).
    // bpftrace leaves out gcc's ".part.N" clones: they cannot be traced as functions.
    private static IEnumerable<Entry> UprobeEntries(string kind, string target, UprobeBinary binary) =>
        binary.Functions.Where(f => !f.Contains(".part.", StringComparison.Ordinal))
            .Select(f => new Entry($"{kind}:{binary.Path}:{f}", $"{kind}:{target}:{f}"));

    // uprobe:TARGET:FUNCTION gives "TARGET:FUNCTION" as rest; the target is what comes before the colon.
    private static string? UprobeTarget(string rest) =>
        rest.IndexOf(':') is var colon and > 0 ? rest[..colon] : null;

    private static bool HasWildcard(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;

    private static string Declaration(TracepointField field)
    {
        if (field.IsDataLoc)
            return $"__data_loc {field.CType} {field.Name}";
        return field.ArrayLength is { } length ? $"{field.CType} {field.Name}[{length}]" : $"{field.CType} {field.Name}";
    }

    private static UprobeBinary? ReadBinary(string target)
    {
        if (UprobeTargets.Find(target) is not { } path)
            return null;
        try
        {
            return new UprobeBinary(path, ElfFile.Read(path).Functions.Select(f => f.Name).ToList());
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CompileException($"uprobe target file '{path}' cannot be read: {e.Message}");
        }
    }
}
