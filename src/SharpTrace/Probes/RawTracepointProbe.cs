using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(RawTracepointProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>rawtracepoint:NAME</c> (<c>rt</c>), or <c>rawtracepoint:MODULE:NAME</c> as newer bpftrace writes it (the module
/// is not needed to attach): a raw tracepoint from the kernel's BTF. The context is the tracepoint's arguments as
/// u64 words: <c>arg0</c>.. and <c>args.NAME</c> typed by its BTF prototype.
/// </summary>
internal sealed class RawTracepointProbe : ProbeProvider
{
    public override string Name => "rawtracepoint";
    public override IReadOnlyList<string> Aliases => ["rt"];
    public override BpfProgramType ProgramType => BpfProgramType.RawTracepoint;
    public override ProbeContext Context { get; } = new() { Arguments = ArgumentSource.ContextWords, Args = ArgsSource.BtfTracepoint };

    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        if (point.Parts.Count is not (1 or 2))
        {
            resolution.Diagnostics.Error(point.Span, "rawtracepoint probes need a name: rawtracepoint:NAME");
            return [];
        }
        var name = point.Parts[^1];
        var found = resolution.Tracepoints.RawTracepoints()
            .Where(known => Wildcard.Has(name) ? Wildcard.Matches(name, known) : known == name)
            .Distinct().Order(StringComparer.Ordinal)
            .Select(known => new ProbeSpec(this, Name: known))
            .ToList();
        if (found.Count == 0)
            resolution.NoMatches(point, this, string.Join(':', point.Parts));
        return found;
    }

    public override string Describe(ProbeSpec spec) => $"rawtracepoint:{spec.Name}";

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        RawTracepointLink.Open(spec.Name, program);

    public override bool ListedByDefault => true;

    // Newer bpftrace writes the module (rawtracepoint:vmlinux:sched_switch); both spellings attach.
    protected override IEnumerable<ListedProbe> Listing(ListingMachine machine) =>
        machine.Tracepoints.RawTracepoints().Select(name => new ListedProbe($"rawtracepoint:{name}", $"rawtracepoint:vmlinux:{name}"));

    /// <summary><c>-lv</c>, as bpftrace: the type as C writes it without a name, a space, then the name.</summary>
    public override string ListArguments(string[] parts, ListingMachine machine)
    {
        if (parts is not ([_, _] or [_, _, _]) || machine.RawTracepointArguments(parts[^1]) is not { } arguments)
            return "";
        return string.Concat(arguments.Select(argument => $"    {argument.Type.Name} {argument.Name}\n"));
    }
}
