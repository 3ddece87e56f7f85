using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Kernel.Elf;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(UsdtProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>usdt:BINARY:PROVIDER:NAME</c> and <c>usdt:BINARY:NAME</c> (<c>U</c>): a statically defined probe of a program
/// or library, found in the ELF notes of its <c>.note.stapsdt</c> section (<see cref="UsdtNotes"/>), wildcards in
/// the provider and the name. A probe compiled in several places (inlined, or written twice) has one location per
/// note: each is an attach point. The context is the <c>struct pt_regs</c> of a uprobe at the probe's nop; <c>arg0</c>..
/// are read where the note's argument specs say (registers, user memory, constants), widened by their size and
/// signedness, and a probe whose locations' specs differ gets one program per location. A probe with a semaphore
/// is attached with the semaphore's file offset as the uprobe's reference counter: the kernel raises it in every
/// process mapping the file while the probe is attached (<c>--usdt-file-activation</c> is then the default). A
/// wildcard binary names every file the process maps with <c>-p</c>, and without it the files of the machine the
/// pattern names (<see cref="UsdtEverywhere"/>).
/// </summary>
internal sealed class UsdtProbe : ProbeProvider
{
    public override string Name => "usdt";
    public override IReadOnlyList<string> Aliases => ["U"];
    public override BpfProgramType ProgramType => BpfProgramType.Kprobe;

    public override ProbeContext Context { get; } = new() { Arguments = ArgumentSource.UsdtArguments, ReadsUserMemory = true };

    // Wordings of bpftrace 0.17 (checked with `bpftrace -e`) where it has one.
    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (point.Parts.Count is not (2 or 3))
        {
            diagnostics.Error(point.Span, "usdt probe type requires 2 or 3 arguments");
            return [];
        }
        var target = point.Parts[0];
        var (provider, name) = point.Parts.Count == 3 ? (point.Parts[1], point.Parts[2]) : ("", point.Parts[1]);
        if (target.Length == 0 || Wildcard.Has(target))
        {
            // With -p, every file the process maps that the target matches (usdt:*:PROVIDER:NAME, usdt::PROVIDER:NAME);
            // without, the files the pattern names on the machine (UsdtEverywhere), an empty one being the newest
            // bpftrace's error.
            if (UprobeTargets.OpenMapped(target, resolution) is not { } mapped)
            {
                if (target.Length == 0)
                {
                    diagnostics.Error(point.Span, "usdt probe must specify at least path or pid to probe. To target all paths/pids set the path to '*'.");
                    return [];
                }
                mapped = OpenEverywhere(target, resolution);
            }
            var found = new List<ProbeSpec>();
            foreach (var (file, contents) in mapped)
                if (InFile(file, contents, provider, name, point, resolution) is { } inFile)
                    found.AddRange(inFile.Where(s => s.Unresolved is null));
                else
                    return [];
            if (found.Count == 0)
                resolution.NoMatches(point, this, string.Join(':', point.Parts));
            return found;
        }
        if (UprobeTargets.Open(Name, target, point, resolution) is not ({ } path, { } elf))
            return [];
        // With -p the newest bpftrace names the probes by the file as the process maps it (/proc/PID/root/PATH): it
        // matches the target, made absolute, against the process's files.
        if (resolution.TargetPid is { } pid && InProcess(path, pid) is { } mappedPath
            && UprobeTargets.Open(Name, mappedPath, point, resolution) is ({ } inProcess, { } inProcessElf))
            (path, elf) = (inProcess, inProcessElf);
        var specs = InFile(path, elf, provider, name, point, resolution);
        if (specs is [])
            resolution.NoMatches(point, this, $"{path}:{string.Join(':', point.Parts.Skip(1))}");
        return specs ?? [];
    }

    // The name under /proc/PID/root of the file at path that process PID maps (the same file: device and inode), or null.
    private static string? InProcess(string path, int pid)
    {
        var identity = FileIdentity.Of(path);
        return identity is null ? null : UprobeTargets.MappedFiles(pid).FirstOrDefault(f => FileIdentity.Of(f) == identity);
    }

    // The files a wildcard target names without -p, read once per compilation; files that cannot be read are left out.
    private static List<(string Path, ElfFile Elf)> OpenEverywhere(string target, ProbeResolution resolution)
    {
        var files = new List<(string, ElfFile)>();
        foreach (var path in UsdtEverywhere.Files(target))
        {
            try
            {
                if (!resolution.ElfFiles.TryGetValue(path, out var elf))
                    resolution.ElfFiles[path] = elf = ElfFile.Read(path, resolution.DebugFiles);
                files.Add((path, elf));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // No probes to offer.
            }
        }
        return files;
    }

    // The attach points of PROVIDER:NAME (names or patterns) in one file; a probe the file lacks is one point that
    // cannot attach; null after an error.
    private List<ProbeSpec>? InFile(string path, ElfFile elf, string provider, string name, AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        var matches = Matching(elf.UsdtProbes, provider, name).ToList();
        var providers = matches.Select(n => n.Provider).Distinct().Count();
        if (point.Parts.Count == 2 && !Wildcard.Has(name) && providers > 1)
        {
            diagnostics.Error(point.Span, $"namespace for {point.Raw} not specified, matched {providers} probes: "
                + "please specify a unique namespace or use '*' to attach to all matched probes");
            return null;
        }
        if (matches.Count == 0 && (Wildcard.Has(provider) || Wildcard.Has(name)))
            return [];
        // A probe the binary lacks fails when the run starts, as bpftrace's "No probes to attach", so the script type-checks.
        if (matches.Count == 0)
            return [new ProbeSpec(this, path, $"{provider}:{name}") { Unresolved = $"Could not find usdt probe {path}:{provider}:{name}" }];

        var specs = new List<ProbeSpec>();
        foreach (var note in matches)
        {
            if (elf.FileOffsetOf(note.Address) is not { } fileOffset)
            {
                diagnostics.Error(point.Span, $"usdt probe {note.Provider}:{note.Name} of '{path}' lies outside the file's code (address 0x{note.Address:x})");
                return null;
            }
            var semaphore = note.SemaphoreAddress == 0 ? 0 : elf.FileOffsetOfData(note.SemaphoreAddress);
            if (semaphore is null)
            {
                diagnostics.Error(point.Span, $"usdt probe {note.Provider}:{note.Name} of '{path}' has a semaphore outside the file (address 0x{note.SemaphoreAddress:x})");
                return null;
            }
            specs.Add(new ProbeSpec(this, path, $"{note.Provider}:{note.Name}")
            {
                FileOffset = fileOffset, Usdt = note, SemaphoreFileOffset = semaphore.Value, Pid = resolution.ProbedPid,
            });
        }
        return specs;
    }

    // An empty provider (usdt:BIN:NAME, usdt:BIN::NAME) is any provider. Sorted by provider and name, each probe's
    // locations in the order of the notes.
    private static IEnumerable<UsdtNote> Matching(IEnumerable<UsdtNote> notes, string provider, string name) =>
        notes.Where(n => Matches(provider.Length == 0 ? "*" : provider, n.Provider) && Matches(name, n.Name))
            .OrderBy(n => n.Provider, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal);

    private static bool Matches(string pattern, string text) => Wildcard.Has(pattern) ? Wildcard.Matches(pattern, text) : pattern == text;

    /// <summary>
    /// Locations whose arguments lie in different places cannot share a program: <c>arg0</c> is read differently. An
    /// argument at a symbol (<c>counter(%rip)</c>) lies at that symbol of its own file, and, in a PIE or a library, is
    /// moved by the probe's own address: such locations get a program each.
    /// </summary>
    public override bool NeedsProgramPerAttachPoint(IReadOnlyList<ProbeSpec> specs) =>
        specs.Select(s => s.Usdt?.ArgumentText is { } text && text.Contains("(%rip)", StringComparison.Ordinal) ? $"{s.Target}:{s.FileOffset}" : s.Usdt?.ArgumentText)
            .Distinct().Skip(1).Any();

    /// <summary><c>argN</c> must be one of the arguments of every location, in bpftrace 0.17's words.</summary>
    public override string? VariableProblem(IReadOnlyList<ProbeSpec> specs, string name)
    {
        if (!name.StartsWith("arg", StringComparison.Ordinal) || !int.TryParse(name.AsSpan(3), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var index))
            return null;
        foreach (var spec in specs)
        {
            try
            {
                if (spec.Usdt is not { } note || index >= note.Arguments().Count)
                    return $"couldn't get argument {index} for {spec.Target}:{spec.Name}";
            }
            catch (FormatException e)
            {
                return $"{spec}: {e.Message}";
            }
        }
        return null;
    }

    /// <summary>
    /// The newest bpftrace attaches all locations of a probe through one link and counts it once in
    /// <c>Attached N probes</c> (runtime/usdt: usdt_multiple_locations' 3 probes at 6 locations are 3); 0.17 counted locations.
    /// </summary>
    public override string? AttachedCountKey(ProbeSpec spec) => $"{spec.Target}:{spec.Name}:{spec.Pid}";

    public override string? Unavailability(ProbeSpec spec) =>
        spec.SemaphoreFileOffset != 0 && !PerfEvent.UprobeHasReferenceCounter()
            ? "usdt probes with a semaphore need uprobe reference counters (Linux 4.20), which this kernel lacks"
            : null;

    // With -p (or -c) the kernel installs the probe, and raises its semaphore, in that process alone.
    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProbeAttacher.AttachToEvent(
            PerfEvent.OpenUprobe(spec.Target, spec.FileOffset, isReturn: false, spec.Pid ?? -1, spec.ToString(), spec.SemaphoreFileOffset), program);

    /// <summary>
    /// <c>-l usdt:BINARY[:PROVIDER]:NAME</c>: the binary's probes, each once however many locations it has, printed with
    /// the binary as the pattern writes a path (as bpftrace 0.17 does) or the found file for a bare name. With
    /// <c>-p PID</c>, a pattern without a binary or with a wildcard one lists the probes of every file the process maps,
    /// named under <c>/proc/PID/root</c> (<c>-l 'usdt:*' -p PID</c>, as bpftrace).
    /// </summary>
    public override IEnumerable<string> List(string pattern, ListingMachine machine, Action<string> warning)
    {
        var parts = pattern.Split(':');
        if (machine.Pid is { } pid && (parts.Length == 2 || Wildcard.Has(parts[1]) || parts[1].Length == 0))
            return InMappedFiles(pattern, machine, pid);
        if (parts.Length is not (3 or 4))
            throw new CompileException("usdt probe type requires 2 or 3 arguments");
        if (parts[1].Length == 0)
            throw new CompileException("usdt probe must specify at least path or pid to probe. To target all paths/pids set the path to '*'.");
        if (Wildcard.Has(parts[1]))
            return Everywhere(pattern, parts[1]);
        if (machine.FindBinary(parts[1]) is not { } binary)
            throw new CompileException($"usdt target file '{parts[1]}' does not exist or is not executable");
        var provider = parts.Length == 4 ? parts[2] : "*";
        // A bare name several files answer to: the probes of each, named by its path, the lines sorted, as the newest
        // bpftrace's probe matcher collects every path resolve_binary_path gives.
        if (machine.SeveralOnPath(parts[1], binary) is { } several)
            return several.SelectMany(b => Probes(b.Path, b, provider, parts[^1])).Distinct().Order(StringComparer.Ordinal);
        return Probes(parts[1], binary, provider, parts[^1]);
    }

    /// <summary>As bpftrace: usdt probes join a wildcard provider when the pattern names an existing binary, or with <c>-p</c>.</summary>
    public override IEnumerable<string> ListUnderWildcardProvider(string pattern, ListingMachine machine)
    {
        var parts = pattern.Split(':');
        if (machine.Pid is { } pid && (parts.Length == 2 || Wildcard.Has(parts[1]) || parts[1].Length == 0))
            return InMappedFiles(Name + pattern[pattern.IndexOf(':')..], machine, pid);
        if (parts.Length is not (3 or 4) || Wildcard.Has(parts[1]) || parts[1].Length == 0 || machine.FindBinary(parts[1]) is not { } binary)
            return [];
        return Probes(parts[1], binary, parts.Length == 4 ? parts[2] : "*", parts[^1]);
    }

    // Without -p, a wildcard binary: the probes of the files it names on the machine (UsdtEverywhere), matched as -p's are.
    private static IEnumerable<string> Everywhere(string pattern, string target)
    {
        var parts = pattern.Split(':');
        var (provider, name) = parts.Length == 4 ? (parts[2], parts[3]) : ("*", parts[2]);
        var names = new List<string>();
        foreach (var path in UsdtEverywhere.Files(target))
        {
            try
            {
                names.AddRange(ElfFile.Read(path).UsdtProbes
                    .Where(n => Matches(provider.Length == 0 ? "*" : provider, n.Provider) && (Matches(name, n.Name) || Matches(name, $"{n.Provider}:{n.Name}")))
                    .Select(n => $"usdt:{path}:{n.Provider}:{n.Name}"));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // No probes to list.
            }
        }
        return names.Distinct().Order(StringComparer.Ordinal);
    }

    // -p: the full names (usdt:FILE:PROVIDER:NAME) of every mapped file's probes that the pattern matches, a pattern
    // of one part after the provider matching as usdt:*:PART, as bpftrace matches it.
    private static IEnumerable<string> InMappedFiles(string pattern, ListingMachine machine, int pid)
    {
        var parts = pattern.Split(':');
        if (parts.Length == 2)
            pattern = $"usdt:*:{parts[1]}";
        var names = machine.MappedBinaries(pid, "").SelectMany(b => b.UsdtProbes.Select(n => $"usdt:{b.Path}:{n.Provider}:{n.Name}"));
        return names.Where(n => Wildcard.Matches(pattern, n)).Distinct().Order(StringComparer.Ordinal);
    }

    // With two parts the pattern's name matches PROVIDER:NAME as well as the name alone (bpftrace lists both
    // usdt_probes:twice and other:twice for usdt:BIN:*twice).
    private static IEnumerable<string> Probes(string target, UprobeBinary binary, string provider, string name)
    {
        var shown = target.Contains('/') ? target : binary.Path;
        return binary.UsdtProbes
            .Where(n => Matches(provider.Length == 0 ? "*" : provider, n.Provider) && (Matches(name, n.Name) || Matches(name, $"{n.Provider}:{n.Name}")))
            .Select(n => $"usdt:{shown}:{n.Provider}:{n.Name}")
            .Distinct().Order(StringComparer.Ordinal);
    }
}
