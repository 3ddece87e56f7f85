using System.Text;
using SharpTrace.CodeGen;
using SharpTrace.Kernel.Elf;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Probes;

/// <summary>
/// <c>-l</c>: the probes this machine offers, by full name, and with <c>-v</c> the arguments of each, asked of each
/// kind's provider. The machine is read through the constructor's arguments, so tests can give fakes.
/// </summary>
/// <param name="tracepoints">Tracepoints and their formats, and the names of raw tracepoints.</param>
/// <param name="rawTracepointArguments">A raw tracepoint's arguments (from BTF), or null when unknown.</param>
/// <param name="findBinary">The file a uprobe target names (a path, a program on PATH or a library) with its functions, or null when there is none; throws <see cref="CompileException"/> when it cannot be read.</param>
/// <param name="kinds">The probe kinds; the registered ones when null.</param>
/// <param name="uprobeArguments">A user function's parameters as <c>-lv</c> prints them, given the binary's path and the function; none when null.</param>
/// <param name="kernelFunctionArguments">A kernel function's parameters (BTF), for iterators' <c>-lv</c>; none when null.</param>
/// <param name="iteratorLoads">Whether the kernel loads a program for an iterator; all do when null.</param>
/// <param name="pid"><c>-l -p PID</c>: the process whose mapped files uprobe and usdt patterns without a binary list.</param>
/// <param name="mappedFiles">The ELF files a process maps, under <c>/proc/PID/root</c>; none when null.</param>
/// <param name="onPath">Every file a bare program name names in the working directory and on PATH; none when null.</param>
internal sealed class ProbeListing(
    ITracepointCatalog tracepoints,
    Func<string, IReadOnlyList<CParameter>?> rawTracepointArguments,
    Func<string, UprobeBinary?> findBinary,
    ProbeKinds? kinds = null,
    Func<string, string, IReadOnlyList<string>>? uprobeArguments = null,
    Func<string, IReadOnlyList<CParameter>?>? kernelFunctionArguments = null,
    Func<string, bool>? iteratorLoads = null,
    int? pid = null,
    Func<int, IReadOnlyList<string>>? mappedFiles = null,
    Func<string, IReadOnlyList<string>>? onPath = null)
{
    private readonly ListingMachine _machine = new(tracepoints, rawTracepointArguments, findBinary)
    {
        UprobeArguments = uprobeArguments ?? ((_, _) => []),
        KernelFunctionArguments = kernelFunctionArguments ?? (_ => null),
        IteratorLoads = iteratorLoads ?? (_ => true),
        Pid = pid,
        MappedFiles = mappedFiles ?? (_ => []),
        OnPath = onPath ?? (_ => []),
    };
    private readonly ProbeKinds _kinds = kinds ?? new ProbeKinds(RegisteredProbeKinds.Create());

    /// <summary>
    /// The listing of this machine: tracepoints from tracefs, raw tracepoints from BTF, uprobes from ELF files; with
    /// <paramref name="pid"/> (<c>-p</c>), binaries as that process sees them and the files it maps.
    /// </summary>
    public static ProbeListing ForThisMachine(int? pid = null, DebugFileLocator? debugFiles = null)
    {
        var btf = new Lazy<BtfTypes?>(BtfTypes.LoadVmlinux);
        var debugInfo = new UserDebugInfo(debugFiles ?? new DebugFileLocator());
        var catalog = new TracefsCatalog();
        var iterators = new Lazy<Dictionary<string, bool>>(() => Kernel.IteratorLink.Loadable(catalog.Iterators().ToList()));
        return new ProbeListing(catalog, name => btf.Value?.FindTracepointArguments(name), target => ReadBinary(target, pid, debugInfo.Locator),
            uprobeArguments: (path, function) => debugInfo.For(path)?.ListedParameters(function) ?? [],
            kernelFunctionArguments: name => btf.Value?.FindFunctionPrototype(name)?.Parameters,
            iteratorLoads: name => iterators.Value.GetValueOrDefault(name), pid: pid, mappedFiles: UprobeTargets.MappedFiles,
            onPath: UprobeTargets.OnPath);
    }

    // The providers in name order, as bpftrace lists kinds.
    private IEnumerable<ProbeProvider> Providers => _kinds.All.OfType<ProbeProvider>();

    /// <summary>
    /// Probe names matching <paramref name="pattern"/>, as bpftrace prints them; every probe of the kinds listed by
    /// default (raw tracepoints, software events, tracepoints) when null. The pattern matches full names with
    /// <c>*</c> and <c>?</c>; its provider may be an alias (<c>t:syscalls:*</c>) or a wildcard, and a pattern without
    /// a provider (<c>*openat*</c>) is matched as <c>*:PATTERN</c>. Other kinds are listed only when the pattern names
    /// them (a uprobe pattern names a binary: <c>uprobe:/bin/bash:read*</c>). Kinds this machine cannot run print
    /// nothing and a <paramref name="warning"/> saying why. Throws <see cref="CompileException"/> when a uprobe
    /// pattern's binary is missing or unreadable.
    /// </summary>
    public IEnumerable<string> List(string? pattern, Action<string> warning)
    {
        if (string.IsNullOrEmpty(pattern))
            pattern = "*";
        // bpftrace 0.17 prints "special::" here; the probe's own name is more use.
        if (pattern is "BEGIN" or "END")
            return [pattern];
        var colon = pattern.IndexOf(':');
        if (colon < 0)
        {
            // As under a wildcard provider: a default kind this machine cannot list (kprobes without their list) stays silent.
            var kernel = Providers.Where(p => p.ListedByDefault).SelectMany(p => p.ListUnderWildcardProvider(pattern == "*" ? "*" : "*:" + pattern, _machine));
            // With -p, as the newest bpftrace, the process's uprobes and usdt probes too.
            return _machine.Pid is null ? kernel
                : kernel.Concat(Providers.Where(p => !p.ListedByDefault).SelectMany(p => p.ListUnderWildcardProvider("*:" + pattern, _machine)));
        }

        var written = pattern[..colon];
        if (Wildcard.Has(written))
            return Providers.Where(p => Wildcard.Matches(written, p.Name))
                .SelectMany(p => p.ListUnderWildcardProvider(written + pattern[colon..], _machine));
        // A provider no kind has (asyncwatchpoint, dropped by the newest bpftrace) lists nothing, silently, as there.
        if (_kinds.Find(written) is not ProbeProvider provider)
            return [];
        return provider.List(provider.Name + pattern[colon..], _machine, warning);
    }

    /// <summary>The arguments of a listed probe as <c>-lv</c> prints them (one indented C declaration a line), or "".</summary>
    public string Arguments(string probe)
    {
        var parts = probe.Split(':');
        return _kinds.Find(parts[0]) is ProbeProvider provider ? provider.ListArguments(parts, _machine) : "";
    }

    /// <summary>
    /// The probes one a line; with <paramref name="withArguments"/> each followed by its arguments (a uprobe's from
    /// the DWARF of its binary or of the binary's separate debug file, none without).
    /// </summary>
    public string Format(IEnumerable<string> probes, bool withArguments, Action<string> warning)
    {
        var text = new StringBuilder();
        foreach (var probe in probes)
        {
            text.Append(probe).Append('\n');
            if (withArguments)
                text.Append(Arguments(probe));
        }
        return text.ToString();
    }

    private static UprobeBinary? ReadBinary(string target, int? pid, DebugFileLocator debugFiles)
    {
        if (UprobeTargets.Find(target, pid) is not { } path)
            return null;
        try
        {
            var elf = ElfFile.Read(path, debugFiles);
            return new UprobeBinary(path, elf.Functions.Select(f => f.Name).ToList()) { UsdtProbes = elf.UsdtProbes };
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CompileException($"uprobe target file '{path}' cannot be read: {e.Message}");
        }
    }
}
