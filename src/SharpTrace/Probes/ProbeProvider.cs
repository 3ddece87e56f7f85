using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Probes;

/// <summary>
/// A probe kind with everything the run needs besides binding: attaching, the availability check, and <c>-l</c>.
/// One file per kind (or per pair, such as uprobe and uretprobe) derives from it and registers itself with
/// <c>[assembly: ProbeKindProvider(typeof(...))]</c>; the file reads top to bottom as the kind's documentation.
/// </summary>
internal abstract class ProbeProvider : ProbeKind
{
    /// <summary>
    /// Attaches <paramref name="program"/> at <paramref name="spec"/>; disposing the result detaches it. On failure
    /// nothing stays attached. <paramref name="tracefs"/> is asked for only by kinds that need it. Not asked of kinds
    /// that do not run <see cref="ProbeRun.Attached"/>.
    /// </summary>
    public abstract IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs);

    /// <summary>
    /// How the program for <paramref name="spec"/> must be loaded: its expected attach type (enum bpf_attach_type) and
    /// the kernel BTF type it attaches to (tracing programs); null for neither.
    /// </summary>
    public virtual (uint AttachType, uint AttachBtfId)? LoadTarget(ProbeSpec spec) => null;

    /// <summary>Why <paramref name="spec"/> cannot attach on this kernel, or null; asked before anything loads.</summary>
    public virtual string? Unavailability(ProbeSpec spec) => null;

    /// <summary>Whether a bare <c>-l</c> (or a wildcard provider) lists this kind, as bpftrace's kernel probe list does.</summary>
    public virtual bool ListedByDefault => false;

    /// <summary>The probes of this kind the machine offers, for <c>-l</c>; empty when they are listed only on demand.</summary>
    protected virtual IEnumerable<ListedProbe> Listing(ListingMachine machine) => [];

    /// <summary>
    /// The probes of this kind matching <paramref name="pattern"/> (its provider already written as <see cref="ProbeKind.Name"/>),
    /// sorted as bpftrace sorts them. A kind this machine cannot run lists nothing and says why through <paramref name="warning"/>.
    /// </summary>
    public virtual IEnumerable<string> List(string pattern, ListingMachine machine, Action<string> warning) =>
        ListedProbe.Matching(Listing(machine), pattern);

    /// <summary>What a pattern with a wildcard provider (<c>*:*open*</c>) lists of this kind.</summary>
    public virtual IEnumerable<string> ListUnderWildcardProvider(string pattern, ListingMachine machine) =>
        ListedByDefault ? List(pattern, machine, _ => { }) : [];

    /// <summary>The arguments of a listed probe as <c>-lv</c> prints them (one indented C declaration a line), or "".</summary>
    public virtual string ListArguments(string[] parts, ListingMachine machine) => "";
}

/// <summary>A listed probe: its full name, and the spellings a pattern may match it by.</summary>
internal sealed record ListedProbe(string Name, params string[] Spellings)
{
    /// <summary>The names of the probes that match, sorted as bpftrace sorts each kind's matches.</summary>
    public static IEnumerable<string> Matching(IEnumerable<ListedProbe> probes, string pattern) =>
        probes.Where(p => Wildcard.Matches(pattern, p.Name) || p.Spellings.Any(s => Wildcard.Matches(pattern, s)))
            .Select(p => p.Name).Distinct().Order(StringComparer.Ordinal);
}

/// <summary>A binary a uprobe or usdt listing reads: its full path, the names of its function symbols, its USDT probe locations.</summary>
internal sealed record UprobeBinary(string Path, IReadOnlyList<string> Functions)
{
    public IReadOnlyList<Kernel.Elf.UsdtNote> UsdtProbes { get; init; } = [];
}

/// <summary>
/// The machine as <c>-l</c> reads it, so tests can give fakes.
/// </summary>
/// <param name="Tracepoints">Tracepoints and their formats, and the names of raw tracepoints.</param>
/// <param name="RawTracepointArguments">A raw tracepoint's arguments (from BTF), or null when unknown.</param>
/// <param name="FindBinary">The file a uprobe target names with its functions, or null when there is none; throws <see cref="CodeGen.CompileException"/> when it cannot be read.</param>
internal sealed record ListingMachine(
    ITracepointCatalog Tracepoints,
    Func<string, IReadOnlyList<CParameter>?> RawTracepointArguments,
    Func<string, UprobeBinary?> FindBinary)
{
    /// <summary>A user function's parameters as <c>-lv</c> prints them (from DWARF), given the binary's path and the function; empty without debug info.</summary>
    public Func<string, string, IReadOnlyList<string>> UprobeArguments { get; init; } = (_, _) => [];

    /// <summary>Whether this kernel loads a program for the iterator (<c>task</c>), as bpftrace checks before listing it.</summary>
    public Func<string, bool> IteratorLoads { get; init; } = _ => true;

    /// <summary>A kernel function's parameters (from BTF), or null when BTF has no such function.</summary>
    public Func<string, IReadOnlyList<CParameter>?> KernelFunctionArguments { get; init; } = _ => null;
    /// <summary><c>-l -p PID</c>: the process whose mapped files uprobe and usdt patterns without a binary (or with a wildcard one) list.</summary>
    public int? Pid { get; init; }
    /// <summary>The ELF files a process maps, named under <c>/proc/PID/root</c> (<see cref="UprobeTargets.MappedFiles"/>).</summary>
    public Func<int, IReadOnlyList<string>> MappedFiles { get; init; } = _ => [];
    /// <summary>Every file a bare program name names, in the working directory and on PATH (<see cref="UprobeTargets.OnPath"/>).</summary>
    public Func<string, IReadOnlyList<string>> OnPath { get; init; } = _ => [];
    /// <summary>
    /// The files a bare uprobe or usdt target name answers to when it is several (no <see cref="Pid"/>; the working
    /// directory's and each PATH directory's, as the newest bpftrace's resolve_binary_path gives them, listing the
    /// functions or probes of each), each named by its path, unreadable ones left out; null when the name is one file,
    /// <paramref name="first"/> (the one <see cref="FindBinary"/> gave), or one the loader's cache resolved (libc).
    /// </summary>
    public IReadOnlyList<UprobeBinary>? SeveralOnPath(string target, UprobeBinary first)
    {
        if (Pid is not null || target.Contains('/') || OnPath(target) is not { Count: > 1 } paths || !paths.Contains(first.Path))
            return null;
        var binaries = new List<UprobeBinary>();
        foreach (var path in paths)
        {
            try
            {
                if (FindBinary(path) is { } binary)
                    binaries.Add(binary with { Path = path });
            }
            catch (CodeGen.CompileException)
            {
                // An unreadable file has nothing to list.
            }
        }
        return binaries;
    }

    /// <summary>
    /// With <see cref="Pid"/>, the files the process maps that <paramref name="target"/> (a pattern, "" for any)
    /// matches, with their functions and probes; unreadable ones are left out.
    /// </summary>
    public IEnumerable<UprobeBinary> MappedBinaries(int pid, string target)
    {
        foreach (var file in BinaryGlob.MappedMatching(target, pid, MappedFiles(pid)))
        {
            UprobeBinary? binary;
            try
            {
                binary = FindBinary(file);
            }
            catch (CodeGen.CompileException)
            {
                continue;
            }
            if (binary is not null)
                yield return binary;
        }
    }
}
