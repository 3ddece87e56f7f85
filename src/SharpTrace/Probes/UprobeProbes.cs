using System.Globalization;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Kernel.Elf;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(UprobeProbe))]
[assembly: ProbeKindProvider(typeof(UretprobeProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>uprobe:BINARY:FUNCTION[+OFFSET]</c> (<c>u</c>), <c>uprobe:BINARY:ADDRESS</c>, <c>uprobe:BINARY@FILE:LINE</c>
/// (<see cref="UprobeSourceLocation"/>), and <c>uretprobe</c> (<c>ur</c>):
/// a user function of a program or library (found by <see cref="UprobeTargets"/>), wildcards in the function. The
/// context is a <c>struct pt_regs</c>: <c>arg0</c>.. in a uprobe, <c>retval</c> in a uretprobe, pointers into user
/// memory. Attached as a perf event of the uprobe PMU (or through a uprobe_multi link) at the file offset found through
/// the ELF load segments, seen in every process that maps the file, or with <c>-p PID</c> only in that process (its
/// target named as the process sees it, a wildcard target matching the files it maps, a target left out naming its
/// program: <c>uprobe:FUNC</c>, <c>uprobe:cpp:FUNC</c>). Without <c>-p</c> a wildcard target is every file the glob
/// finds (<see cref="UprobeTargets.OpenGlobbed"/>).
/// </summary>
internal abstract class UserFunctionProbe : ProbeProvider
{
    /// <summary>uretprobe: the probe fires when the function returns.</summary>
    protected abstract bool IsReturn { get; }

    public override BpfProgramType ProgramType => BpfProgramType.Kprobe;

    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (UprobeSourceLocation.Names(point))
            return UprobeSourceLocation.Resolve(this, IsReturn, point, resolution);
        if (InProcessProgram(point, resolution) is not { } named)
        {
            diagnostics.Error(point.Span, $"{Name} should have a target");
            return [];
        }
        point = named;
        // uprobe:BIN:cpp:"ns::f": C++ names; unquoted, ns::f is split at its colons, joined again here.
        string? language = null;
        var function = point.Parts.Count > 1 ? point.Parts[^1] : "";
        if (point.Parts.Count >= 3 && point.Parts[1] == UprobeCppNames.Qualifier)
            (language, function) = (UprobeCppNames.Qualifier, string.Join(':', point.Parts.Skip(2)));
        else if (point.Parts.Count == 3)
        {
            diagnostics.Error(point.Span, $"unsupported language type: {point.Parts[1]}");
            return [];
        }
        else if (point.Parts.Count != 2)
            function = "";
        if (point.Parts.Count < 2 || point.Parts[0].Length == 0 || function.Length == 0)
        {
            diagnostics.Error(point.Span, $"{Name} probes need a binary and a function: {Name}:/path/to/binary:function");
            return [];
        }
        var target = point.Parts[0];
        var expands = language is not null || Wildcard.Has(function);
        // A wildcard target is, with -p, every file the process maps that it matches (uprobe:*:malloc); without, the
        // files the pattern names on the machine (uprobe:/usr/lib/*/libc.so*:malloc), none being the newest bpftrace's
        // error over the target and no function in them its missing_probes error ("No matches for uprobe TARGET:FUNC").
        // A lone "*" is never that target error there: its check counts the files running processes map, while its
        // probes are the glob's (the working directory's and PATH's files), so none is the missing_probes error.
        if (Wildcard.Has(target))
        {
            if (language is null && char.IsAsciiDigit(function[0]))
            {
                diagnostics.Error(point.Span, "Cannot use wildcards with absolute address");
                return [];
            }
            var inProcess = UprobeTargets.OpenMapped(target, resolution);
            var globbed = inProcess is null;
            var mapped = inProcess ?? UprobeTargets.OpenGlobbed(target, resolution);
            if (globbed && mapped.Count == 0 && target != "*")
            {
                diagnostics.Error(point.Span, $"uprobe target file '{target}' does not exist or is not executable");
                return [];
            }
            if (!AttachPointText.TrySplitOffset(ref function, !IsReturn, point, diagnostics, out var mappedOffset))
                return [];
            var found = new List<ProbeSpec>();
            foreach (var (file, contents) in mapped)
                if (InFile(file, contents, function, language, mappedOffset, point, resolution) is not { } inFile)
                    return [];
                else
                    found.AddRange(inFile.Where(s => s.Unresolved is null));
            if (found.Count == 0)
                resolution.NoMatches(point, this, globbed ? $"{target}:{function}" : string.Join(':', point.Parts));
            return found;
        }
        // --unsafe: a file that is no ELF file (code a loader or JIT maps from it, a flat binary) is probed at an address
        // taken as its file offset, with the newest bpftrace's warning, as it does when it finds no symbol there.
        if (language is null && char.IsAsciiDigit(function[0]) && resolution.Config?.Unsafe == true
            && UprobeTargets.Find(target, resolution.TargetPid) is { } flat && !UprobeTargets.IsElf(flat)
            && AttachPointText.TryParseInteger(function, out var flatOffset))
        {
            diagnostics.Warning(point.Span, $"Could not determine instruction boundary for {Name}:{flat}:{function} (binary appears stripped). Misaligned probes can lead to tracee crashes!");
            return [new ProbeSpec(this, flat) { Offset = flatOffset, FileOffset = flatOffset, Pid = resolution.ProbedPid }];
        }
        if (UprobeTargets.Open(Name, target, point, resolution) is not ({ } path, { } elf))
            return [];

        if (language is null && char.IsAsciiDigit(function[0]))
        {
            if (!AttachPointText.TryParseInteger(function, out var address) || elf.FileOffsetOf(address) is not { } fileOffset)
            {
                diagnostics.Error(point.Span, $"Could not resolve address: {path}:{function}");
                return [];
            }
            return [new ProbeSpec(this, path) { Offset = address, FileOffset = fileOffset, Pid = resolution.ProbedPid }];
        }

        if (!AttachPointText.TrySplitOffset(ref function, !IsReturn, point, diagnostics, out var offset))
            return [];
        var specs = InFile(path, elf, function, language, offset, point, resolution);
        if (specs is [] && expands)
            resolution.NoMatches(point, this, language is null ? $"{path}:{function}" : $"{path}:{language}:{function}");
        return specs ?? [];
    }

    // With -p the newest bpftrace lets the target be left out: uprobe:FUNC and uprobe:cpp:FUNC name a function of the
    // process's program, /proc/PID/root/PATH as its -l names it. Null when that program cannot be told. (-c's command
    // is not its program yet while probes resolve: the shell that starts it is.)
    private static AttachPoint? InProcessProgram(AttachPoint point, ProbeResolution resolution)
    {
        if (resolution.TargetPid is not { } pid || !(point.Parts.Count == 1 || point.Parts.Count >= 2 && point.Parts[0] == UprobeCppNames.Qualifier))
            return point;
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget is { } program ? point with { Parts = [$"/proc/{pid}/root{program}", .. point.Parts] } : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // The attach points of FUNCTION (a name or a pattern; with LANGUAGE, a C++ name) in one file, in name order; a
    // name the file lacks is one point that cannot attach; null after an error.
    private List<ProbeSpec>? InFile(string path, ElfFile elf, string function, string? language, ulong offset, AttachPoint point, ProbeResolution resolution)
    {
        var expands = language is not null || Wildcard.Has(function);
        var symbols = elf.Functions
            .Where(f => language is not null ? UprobeCppNames.Matches(function, f.Name)
                : Wildcard.Has(function) ? Wildcard.Matches(function, f.Name) : f.Name == function)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        if (symbols.Count == 0 && expands)
            return [];
        // A library without the function (libpthread.so.0:pthread_create since glibc 2.34) is the attach stage's
        // error, so the script still type-checks.
        if (symbols.Count == 0)
            return [new ProbeSpec(this, path, function) { Offset = offset, Unresolved = $"Could not resolve symbol: {path}:{function}" }];
        var specs = new List<ProbeSpec>();
        foreach (var symbol in symbols)
        {
            if (offset > 0 && symbol.Size > 0 && offset >= symbol.Size)
            {
                resolution.Diagnostics.Error(point.Span, $"Offset outside the function bounds ('{symbol.Name}' size is {symbol.Size})");
                return null;
            }
            if (elf.FileOffsetOf(symbol.Address + offset) is { } fileOffset)
                specs.Add(new ProbeSpec(this, path, symbol.Name)
                {
                    Offset = offset, FileOffset = fileOffset, DebugInfo = resolution.DebugInfo, Pid = resolution.ProbedPid, Language = language,
                    Unresolved = expands ? null : UnknownBoundary(symbol, function, offset, resolution),
                });
        }
        return specs;
    }

    // The newest bpftrace's refusal, without --unsafe, of a function named exactly whose symbol has size 0 (hand-written
    // assembly, _init): where its instructions end is not known. Wildcards attach through uprobe_multi unchecked, as there.
    private static string? UnknownBoundary(ElfSymbol symbol, string function, ulong offset, ProbeResolution resolution) =>
        symbol.Size == 0 && offset == 0 && !Wildcard.Has(function) && resolution.Config?.Unsafe != true
            ? $"Could not determine boundary for {symbol.Name} (symbol has size 0).\nUse --unsafe to force attachment. "
              + "WARNING: This option could lead to data corruption in the target process."
            : null;

    public override string Describe(ProbeSpec spec)
    {
        if (spec.Name.Length == 0)
            return $"{Name}:{spec.Target}:0x{spec.Offset.ToString("x", CultureInfo.InvariantCulture)}";
        var function = spec.Language is { } language ? $"{language}:{spec.Name}" : spec.Name;
        return spec.Offset != 0 ? $"{Name}:{spec.Target}:{function}+{spec.Offset}" : $"{Name}:{spec.Target}:{function}";
    }

    /// <summary>A C++ function (<see cref="ProbeSpec.Language"/>) is listed by its demangled name, quoted, as the newest bpftrace lists it.</summary>
    public override string Listed(ProbeSpec spec) =>
        spec.Language is { } language && spec.Offset == 0 ? $"{Name}:{spec.Target}:{language}:{UprobeCppNames.Listed(spec.Name)}" : Describe(spec);

    // With -p (or -c) the probe fires only in that process: the kernel installs it in that process alone.
    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProbeAttacher.AttachToEvent(PerfEvent.OpenUprobe(spec.Target, spec.FileOffset, IsReturn, spec.Pid ?? -1, spec.ToString()), program);

    /// <summary>
    /// <c>-l uprobe:BINARY:PATTERN</c>: the binary's functions, printed with its full path and matched with the target
    /// as the pattern writes it (<c>uprobe:libc:malloc</c>). With <c>-p PID</c>, a pattern without a binary or with a
    /// wildcard one lists the functions of every file the process maps (<c>uprobe:*:malloc</c>, <c>uprobe:malloc</c>).
    /// Throws <see cref="CompileException"/> when the binary is missing or unreadable, or the pattern names none.
    /// </summary>
    public override IEnumerable<string> List(string pattern, ListingMachine machine, Action<string> warning)
    {
        if (machine.Pid is { } pid && (Target(pattern) is not { } written || Wildcard.Has(written)))
            return InMappedFiles(pattern, machine, pid);
        if (Target(pattern) is not { } target)
            throw new CompileException($"{Name} probes need a binary and a function: {Name}:/path/to/binary:FUNCTION");
        if (Wildcard.Has(target))
            return InGlobbedFiles(pattern, target, machine);
        if (machine.FindBinary(target) is not { } binary)
            throw new CompileException($"{Name} target file '{target}' does not exist or is not executable");
        // A bare name several files answer to lists each, named by its path (a probe attaches to the first, with a warning).
        var binaries = machine.SeveralOnPath(target, binary) ?? [binary];
        // A file's cpp lines keep its mangled names' order; the files come in their paths' order.
        if (CppPattern(pattern) is { } cpp)
            return binaries.OrderBy(b => b.Path, StringComparer.Ordinal).SelectMany(b => CppFunctions(b, cpp));
        return ListedProbe.Matching(binaries.SelectMany(b => Functions(target, b)), pattern);
    }

    // uprobe:BIN:cpp:PATTERN (the pattern quoted or not): the functions whose demangled names match, printed as
    // attach points with the cpp qualifier and the quoted demangled name, as the newest bpftrace lists them.
    private static string? CppPattern(string pattern)
    {
        var parts = pattern.Split(':', 4);
        return parts.Length == 4 && parts[2] == UprobeCppNames.Qualifier ? parts[3].Replace("\"", "", StringComparison.Ordinal) : null;
    }

    private IEnumerable<string> CppFunctions(UprobeBinary binary, string pattern) =>
        binary.Functions.Where(f => !f.Contains(".part.", StringComparison.Ordinal) && UprobeCppNames.Matches(pattern, f))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Name}:{binary.Path}:{UprobeCppNames.Qualifier}:{UprobeCppNames.Listed(f)}");

    /// <summary>As bpftrace: uprobes only join a wildcard provider when the pattern names an existing binary, or with <c>-p</c>.</summary>
    public override IEnumerable<string> ListUnderWildcardProvider(string pattern, ListingMachine machine)
    {
        if (IsReturn)
            return [];
        if (machine.Pid is { } pid && (Target(pattern) is not { } target || Wildcard.Has(target)))
            return InMappedFiles(Name + pattern[pattern.IndexOf(':')..], machine, pid);
        return Target(pattern) is { } named && !Wildcard.Has(named) && machine.FindBinary(named) is { } found
            ? ListedProbe.Matching(Functions(named, found), pattern)
            : [];
    }

    // Without -p, a wildcard binary (uprobe:./out/*:main): the functions of the files it names on the machine, each
    // named by the path the glob found (./out/app), as bpftrace 0.17 and the newest list them.
    private IEnumerable<string> InGlobbedFiles(string pattern, string target, ListingMachine machine)
    {
        var binaries = new List<UprobeBinary>();
        foreach (var path in UprobeTargets.Globbed(target))
        {
            try
            {
                if (machine.FindBinary(path) is { } binary)
                    binaries.Add(binary with { Path = path });
            }
            catch (CompileException)
            {
                // An unreadable file has no functions to list.
            }
        }
        if (binaries.Count == 0) // "uprobe" for uretprobes too, as bpftrace words it
            throw new CompileException($"uprobe target file '{target}' does not exist or is not executable");
        if (CppPattern(pattern) is { } cpp)
            return binaries.SelectMany(b => CppFunctions(b, cpp)).Distinct().Order(StringComparer.Ordinal);
        return ListedProbe.Matching(binaries.SelectMany(b => Functions(b.Path, b)), pattern);
    }

    // -p: every mapped file's functions, named under /proc/PID/root; uprobe:FUNC is uprobe:*:FUNC, as in bpftrace.
    private IEnumerable<string> InMappedFiles(string pattern, ListingMachine machine, int pid)
    {
        if (Target(pattern) is null)
            pattern = $"{Name}:*:{pattern[(pattern.IndexOf(':') + 1)..]}";
        return ListedProbe.Matching(machine.MappedBinaries(pid, Target(pattern)!).SelectMany(b => Functions(b.Path, b)), pattern);
    }

    /// <summary>
    /// <c>-lv</c>: a uprobe's parameters from DWARF, as bpftrace spells them (<c>const char* name</c>); a uretprobe,
    /// whose <c>args</c> bpftrace does not offer, lists none.
    /// </summary>
    public override string ListArguments(string[] parts, ListingMachine machine)
    {
        if (IsReturn || parts.Length < 3)
            return "";
        var function = parts[2];
        // uprobe:BIN:cpp:"ns::f(int)", split at every colon: the symbol whose listed name that is.
        if (parts.Length > 3 && parts[2] == UprobeCppNames.Qualifier)
        {
            var listed = string.Join(':', parts.Skip(3));
            if (machine.FindBinary(parts[1])?.Functions.FirstOrDefault(f => f == listed || UprobeCppNames.Listed(f) == listed) is not { } symbol)
                return "";
            function = symbol;
        }
        else if (parts.Length != 3)
            return "";
        return string.Concat(machine.UprobeArguments(parts[1], function).Select(line => $"    {line}\n"));
    }

    // bpftrace leaves out gcc's ".part.N" clones: they cannot be traced as functions.
    private IEnumerable<ListedProbe> Functions(string target, UprobeBinary binary) =>
        binary.Functions.Where(f => !f.Contains(".part.", StringComparison.Ordinal))
            .Select(f => new ListedProbe($"{Name}:{binary.Path}:{f}", $"{Name}:{target}:{f}"));

    // PROVIDER:TARGET:FUNCTION: the target is what comes between the first two colons.
    private static string? Target(string pattern)
    {
        var rest = pattern[(pattern.IndexOf(':') + 1)..];
        return rest.IndexOf(':') is var colon and > 0 ? rest[..colon] : null;
    }
}

internal sealed class UprobeProbe : UserFunctionProbe
{
    public override string Name => "uprobe";
    public override IReadOnlyList<string> Aliases => ["u"];
    protected override bool IsReturn => false;
    public override ProbeContext Context { get; } = new()
    {
        Arguments = ArgumentSource.Registers, Args = ArgsSource.DwarfFunction, Func = FuncSource.UserInstructionPointer, ReadsUserMemory = true,
    };
}

internal sealed class UretprobeProbe : UserFunctionProbe
{
    public override string Name => "uretprobe";
    public override IReadOnlyList<string> Aliases => ["ur"];
    protected override bool IsReturn => true;
    public override ProbeContext Context { get; } = new()
    {
        Retval = RetvalSource.Register, Func = FuncSource.UserAttachPointOnly, ReadsUserMemory = true,
    };
}
