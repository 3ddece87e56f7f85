using System.Globalization;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;
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
/// memory. Attached as a perf event of the uprobe PMU at the file offset found through the ELF load segments, seen
/// in every process that maps the file.
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
        if (point.Parts.Count == 3)
        {
            diagnostics.ReportUnsupported(point.Span, $"A language qualifier ('{point.Parts[1]}') in a {Name}");
            return [];
        }
        if (point.Parts.Count != 2 || point.Parts[0].Length == 0 || point.Parts[1].Length == 0)
        {
            diagnostics.Error(point.Span, $"{Name} probes need a binary and a function: {Name}:/path/to/binary:function");
            return [];
        }
        var (target, function) = (point.Parts[0], point.Parts[1]);
        if (UprobeTargets.Open(Name, target, point, resolution) is not ({ } path, { } elf))
            return [];

        if (char.IsAsciiDigit(function[0]))
        {
            if (!AttachPointText.TryParseInteger(function, out var address) || elf.FileOffsetOf(address) is not { } fileOffset)
            {
                diagnostics.Error(point.Span, $"Could not resolve address: {path}:{function}");
                return [];
            }
            return [new ProbeSpec(this, path) { Offset = address, FileOffset = fileOffset }];
        }

        if (!AttachPointText.TrySplitOffset(ref function, !IsReturn, point, diagnostics, out var offset))
            return [];

        var symbols = elf.Functions
            .Where(f => Wildcard.Has(function) ? Wildcard.Matches(function, f.Name) : f.Name == function)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        if (symbols.Count == 0 && Wildcard.Has(function))
        {
            resolution.NoMatches(point, this, $"{path}:{function}");
            return [];
        }
        // A library without the function (libpthread.so.0:pthread_create since glibc 2.34) is the attach stage's
        // error, so the script still type-checks.
        if (symbols.Count == 0)
            return [new ProbeSpec(this, path, function) { Offset = offset, Unresolved = $"Could not resolve symbol: {path}:{function}" }];
        var specs = new List<ProbeSpec>();
        foreach (var symbol in symbols)
        {
            if (offset > 0 && symbol.Size > 0 && offset >= symbol.Size)
            {
                diagnostics.Error(point.Span, $"Offset outside the function bounds ('{symbol.Name}' size is {symbol.Size})");
                return [];
            }
            if (elf.FileOffsetOf(symbol.Address + offset) is { } fileOffset)
                specs.Add(new ProbeSpec(this, path, symbol.Name) { Offset = offset, FileOffset = fileOffset, DebugInfo = resolution.DebugInfo });
        }
        return specs;
    }

    public override string Describe(ProbeSpec spec)
    {
        if (spec.Name.Length == 0)
            return $"{Name}:{spec.Target}:0x{spec.Offset.ToString("x", CultureInfo.InvariantCulture)}";
        return spec.Offset != 0 ? $"{Name}:{spec.Target}:{spec.Name}+{spec.Offset}" : base.Describe(spec);
    }

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        ProbeAttacher.AttachToEvent(PerfEvent.OpenUprobe(spec.Target, spec.FileOffset, IsReturn, pid: -1, spec.ToString()), program);

    /// <summary>
    /// <c>-l uprobe:BINARY:PATTERN</c>: the binary's functions, printed with its full path and matched with the target
    /// as the pattern writes it (<c>uprobe:libc:malloc</c>). Throws <see cref="CompileException"/> when the binary is
    /// missing or unreadable, or the pattern names none.
    /// </summary>
    public override IEnumerable<string> List(string pattern, ListingMachine machine, Action<string> warning)
    {
        if (Target(pattern) is not { } target)
            throw new CompileException($"{Name} probes need a binary and a function: {Name}:/path/to/binary:FUNCTION");
        if (Wildcard.Has(target))
            throw new CompileException($"{Name} listing needs a binary without wildcards, not '{target}'");
        if (machine.FindBinary(target) is not { } binary)
            throw new CompileException($"{Name} target file '{target}' does not exist or is not executable");
        return ListedProbe.Matching(Functions(target, binary), pattern);
    }

    /// <summary>As bpftrace: uprobes only join a wildcard provider when the pattern names an existing binary.</summary>
    public override IEnumerable<string> ListUnderWildcardProvider(string pattern, ListingMachine machine) =>
        !IsReturn && Target(pattern) is { } target && !Wildcard.Has(target) && machine.FindBinary(target) is { } found
            ? ListedProbe.Matching(Functions(target, found), pattern)
            : [];

    /// <summary>
    /// <c>-lv</c>: a uprobe's parameters from DWARF, as bpftrace spells them (<c>const char* name</c>); a uretprobe,
    /// whose <c>args</c> bpftrace does not offer, lists none.
    /// </summary>
    public override string ListArguments(string[] parts, ListingMachine machine)
    {
        if (IsReturn || parts.Length != 3)
            return "";
        return string.Concat(machine.UprobeArguments(parts[1], parts[2]).Select(line => $"    {line}\n"));
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
        Retval = RetvalSource.Register, Func = FuncSource.AttachPointOnly, ReadsUserMemory = true,
    };
}
