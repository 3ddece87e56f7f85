using System.Globalization;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Probes;

/// <summary>Resolves an attach point as written (aliases, wildcards) to the concrete probes it names.</summary>
internal static class ProbeSpecResolver
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

    /// <summary>
    /// Why a probe kind cannot run on this machine, for kinds the kernel lacks. kprobe and fentry kinds still
    /// compile (scripts type-check); attaching them fails with this reason. hardware fails when compiled.
    /// </summary>
    internal static readonly Dictionary<string, string> Unavailable = new(StringComparer.Ordinal)
    {
        ["kprobe"] = "kprobes are not available: this kernel is built without CONFIG_KPROBES",
        ["kretprobe"] = "kretprobes are not available: this kernel is built without CONFIG_KPROBES",
        ["fentry"] = "fentry probes are not available: this kernel refuses BPF trampolines (EPERM)",
        ["fexit"] = "fexit probes are not available: this kernel refuses BPF trampolines (EPERM)",
        ["hardware"] = "hardware probes are not available: this machine has no hardware performance counters (no cpu PMU)",
    };

    /// <summary>
    /// The probes <paramref name="point"/> names. <paramref name="elfFiles"/> keeps the binaries uprobes read for the
    /// whole compilation, so ssllatency's fourteen libcrypto probes read libcrypto once.
    /// </summary>
    public static IEnumerable<ProbeSpec> Resolve(AttachPoint point, ITracepointCatalog tracepoints, DiagnosticBag diagnostics,
        Dictionary<string, ElfFile>? elfFiles = null)
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
            case "rawtracepoint":
                return ResolveRawTracepoint(point, tracepoints, diagnostics);
            case "uprobe" or "uretprobe":
                return ResolveUprobe(provider == "uprobe" ? ProbeKind.Uprobe : ProbeKind.Uretprobe, point, diagnostics, elfFiles ?? []);
            case "interval" or "profile":
                return ResolveTimer(provider == "interval" ? ProbeKind.Interval : ProbeKind.Profile, point, diagnostics);
            case "software":
                return ResolveSoftware(point, diagnostics);
            case "kprobe" or "kretprobe" or "fentry" or "fexit":
                return ResolveKernelFunction(KernelFunctionKinds[provider], point, diagnostics);
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

    private static List<ProbeSpec> ResolveRawTracepoint(AttachPoint point, ITracepointCatalog tracepoints, DiagnosticBag diagnostics)
    {
        // rawtracepoint:NAME, or rawtracepoint:MODULE:NAME as newer bpftrace writes it (the module is not needed to attach).
        if (point.Parts.Count is not (1 or 2))
        {
            diagnostics.Error(point.Span, "rawtracepoint probes need a name: rawtracepoint:NAME");
            return [];
        }
        var name = point.Parts[^1];
        var found = tracepoints.RawTracepoints()
            .Where(known => HasWildcard(name) ? Wildcard.Matches(name, known) : known == name)
            .Distinct().Order(StringComparer.Ordinal)
            .Select(known => new ProbeSpec(ProbeKind.RawTracepoint, Name: known))
            .ToList();
        if (found.Count == 0)
            diagnostics.Error(point.Span, HasWildcard(name) ? $"No probes match {point.Raw}" : $"rawtracepoint not found: {name}");
        return found;
    }

    private static List<ProbeSpec> ResolveUprobe(ProbeKind kind, AttachPoint point, DiagnosticBag diagnostics, Dictionary<string, ElfFile> elfFiles)
    {
        var probeType = ProbeSpec.NameOf(kind);
        if (point.Parts.Count == 3)
        {
            diagnostics.ReportUnsupported(point.Span, $"A language qualifier ('{point.Parts[1]}') in a {probeType}");
            return [];
        }
        if (point.Parts.Count != 2 || point.Parts[0].Length == 0 || point.Parts[1].Length == 0)
        {
            diagnostics.Error(point.Span, $"{probeType} probes need a binary and a function: {probeType}:/path/to/binary:function");
            return [];
        }
        var (target, function) = (point.Parts[0], point.Parts[1]);
        if (UprobeTargets.Find(target) is not { } path)
        {
            diagnostics.Error(point.Span, $"{probeType} target file '{target}' does not exist or is not executable");
            return [];
        }
        ElfFile elf;
        try
        {
            if (!elfFiles.TryGetValue(path, out elf!))
                elfFiles[path] = elf = ElfFile.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(point.Span, $"{probeType} target file '{path}' cannot be read: {e.Message}");
            return [];
        }

        if (char.IsAsciiDigit(function[0]))
        {
            if (!TryParseInteger(function, out var address) || elf.FileOffsetOf(address) is not { } fileOffset)
            {
                diagnostics.Error(point.Span, $"Could not resolve address: {path}:{function}");
                return [];
            }
            return [new ProbeSpec(kind, path) { Offset = address, FileOffset = fileOffset }];
        }

        if (!TrySplitOffset(ref function, kind != ProbeKind.Uretprobe, point, diagnostics, out var offset))
            return [];

        var symbols = elf.Functions
            .Where(f => HasWildcard(function) ? Wildcard.Matches(function, f.Name) : f.Name == function)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        if (symbols.Count == 0 && HasWildcard(function))
        {
            diagnostics.Error(point.Span, $"No probes match {point.Raw}");
            return [];
        }
        // A library without the function (libpthread.so.0:pthread_create since glibc 2.34) is the attach stage's
        // error, so the script still type-checks.
        if (symbols.Count == 0)
            return [new ProbeSpec(kind, path, function) { Offset = offset, Unresolved = $"Could not resolve symbol: {path}:{function}" }];
        var specs = new List<ProbeSpec>();
        foreach (var symbol in symbols)
        {
            if (offset > 0 && symbol.Size > 0 && offset >= symbol.Size)
            {
                diagnostics.Error(point.Span, $"Offset outside the function bounds ('{symbol.Name}' size is {symbol.Size})");
                return [];
            }
            if (elf.FileOffsetOf(symbol.Address + offset) is { } fileOffset)
                specs.Add(new ProbeSpec(kind, path, symbol.Name) { Offset = offset, FileOffset = fileOffset });
        }
        return specs;
    }

    private static readonly Dictionary<string, ProbeKind> KernelFunctionKinds = new(StringComparer.Ordinal)
    {
        ["kprobe"] = ProbeKind.Kprobe, ["kretprobe"] = ProbeKind.Kretprobe, ["fentry"] = ProbeKind.Fentry, ["fexit"] = ProbeKind.Fexit,
    };

    /// <summary>
    /// kprobe:FUNC[+OFFSET], kprobe:MODULE:FUNC, and the same for kretprobe, fentry, fexit. The function is not looked
    /// up here: like bpftrace, a missing function (or a kernel without the probe kind) is the attach stage's error.
    /// </summary>
    private static List<ProbeSpec> ResolveKernelFunction(ProbeKind kind, AttachPoint point, DiagnosticBag diagnostics)
    {
        var probeType = ProbeSpec.NameOf(kind);
        if (point.Parts.Count is not (1 or 2) || point.Parts[^1].Length == 0)
        {
            diagnostics.Error(point.Span, $"{probeType} probes need a function: {probeType}:[MODULE:]FUNCTION");
            return [];
        }
        var module = point.Parts.Count == 2 ? point.Parts[0] : "";
        var function = point.Parts[^1];
        if (!TrySplitOffset(ref function, kind == ProbeKind.Kprobe, point, diagnostics, out var offset))
            return [];
        return [new ProbeSpec(kind, module, function) { Offset = offset }];
    }

    private static List<ProbeSpec> ResolveTimer(ProbeKind kind, AttachPoint point, DiagnosticBag diagnostics)
    {
        var probeType = ProbeSpec.NameOf(kind);
        if (point.Parts.Count != 2)
        {
            diagnostics.Error(point.Span, $"{probeType} probe type requires 2 arguments");
            return [];
        }
        var (unit, count) = (point.Parts[0], point.Parts[1]);
        ulong? nanosecondsPerUnit = unit switch { "s" => 1_000_000_000, "ms" => 1_000_000, "us" => 1_000, "hz" => null, _ => 0 };
        if (nanosecondsPerUnit == 0)
        {
            diagnostics.Error(point.Span, $"{unit} is not an accepted unit of time");
            return [];
        }
        if (!TryParseInteger(count, out var n) || n == 0)
        {
            diagnostics.Error(point.Span, $"{probeType} count must be a positive integer, not '{count}'");
            return [];
        }
        return nanosecondsPerUnit is { } scale
            ? [new ProbeSpec(kind, unit, count) { Period = n * scale }]
            : [new ProbeSpec(kind, unit, count) { Period = n, IsFrequency = true }];
    }

    private static List<ProbeSpec> ResolveSoftware(AttachPoint point, DiagnosticBag diagnostics)
    {
        if (point.Parts.Count is not (1 or 2))
        {
            diagnostics.Error(point.Span, "software probes need an event and an optional count: software:EVENT:COUNT");
            return [];
        }
        if (SoftwareEvent.Find(point.Parts[0]) is not { } softwareEvent)
        {
            diagnostics.Error(point.Span, $"{point.Parts[0]} is not a software probe");
            return [];
        }
        var period = softwareEvent.DefaultPeriod;
        if (point.Parts.Count == 2 && (!TryParseInteger(point.Parts[1], out period) || period == 0))
        {
            diagnostics.Error(point.Span, $"software count must be a positive integer, not '{point.Parts[1]}'");
            return [];
        }
        return [new ProbeSpec(ProbeKind.Software, softwareEvent.Name, period.ToString(CultureInfo.InvariantCulture)) { Period = period }];
    }

    /// <summary>
    /// Splits <c>FUNC+OFFSET</c> into the function and the offset (0 without one); false, with the error reported,
    /// when the offset is not a number or the probe kind takes none (return probes).
    /// </summary>
    private static bool TrySplitOffset(ref string function, bool offsetAllowed, AttachPoint point, DiagnosticBag diagnostics, out ulong offset)
    {
        offset = 0;
        if (function.LastIndexOf('+') is not (var plus and > 0))
            return true;
        if (!offsetAllowed)
        {
            diagnostics.Error(point.Span, "Offset not allowed");
            return false;
        }
        if (!TryParseInteger(function[(plus + 1)..], out offset))
        {
            diagnostics.Error(point.Span, $"Invalid offset: {function[(plus + 1)..]}");
            return false;
        }
        function = function[..plus];
        return true;
    }

    /// <summary>Decimal or 0x-prefixed hexadecimal, as attach points write numbers.</summary>
    private static bool TryParseInteger(string text, out ulong value) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    internal static bool HasWildcard(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;
}

/// <summary>Shell-style matching of <c>*</c> and <c>?</c>, as in attach points.</summary>
internal static class Wildcard
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
