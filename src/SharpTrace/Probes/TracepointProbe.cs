using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(TracepointProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>tracepoint:CATEGORY:NAME</c> (<c>t</c>, <c>tp</c>): a kernel tracepoint from tracefs, wildcards in either part.
/// <c>args</c> is the tracepoint's format; the program is set on a perf event for the tracepoint's id.
/// </summary>
internal sealed class TracepointProbe : ProbeProvider
{
    public override string Name => "tracepoint";
    public override IReadOnlyList<string> Aliases => ["t", "tp"];
    public override BpfProgramType ProgramType => BpfProgramType.Tracepoint;
    public override ProbeContext Context { get; } = new() { Args = ArgsSource.TracepointFormat };

    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (point.Parts.Count != 2)
        {
            diagnostics.Error(point.Span, "tracepoint probes need a category and a name: tracepoint:CATEGORY:NAME");
            return [];
        }
        var (category, name) = (point.Parts[0], point.Parts[1]);
        var wildcard = Wildcard.Has(category) || Wildcard.Has(name);
        List<ProbeSpec> found;
        if (wildcard)
            found = resolution.Tracepoints.List()
                .Where(t => Wildcard.Matches(category, t.Category) && Wildcard.Matches(name, t.Name))
                .OrderBy(t => t.Category, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => new ProbeSpec(this, t.Category, t.Name))
                .ToList();
        else
            found = resolution.Tracepoints.Format(category, name) is null ? [] : [new ProbeSpec(this, category, name)];
        if (found.Count == 0)
            resolution.NoMatches(point, this, $"{category}:{name}");
        return found;
    }

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs)
    {
        var id = tracefs().GetEventId(spec.Target, spec.Name);
        return ProbeAttacher.AttachToEvent(PerfEvent.OpenTracepoint(id, spec.ToString()), program);
    }

    public override bool ListedByDefault => true;

    protected override IEnumerable<ListedProbe> Listing(ListingMachine machine) =>
        machine.Tracepoints.List().Select(t => new ListedProbe($"tracepoint:{t.Category}:{t.Name}"));

    /// <summary><c>-lv</c>: the fields of the tracepoint's format.</summary>
    public override string ListArguments(string[] parts, ListingMachine machine)
    {
        if (parts is not [_, var category, var name] || machine.Tracepoints.Format(category, name) is not { } format)
            return "";
        return string.Concat(format.Fields.Select(field => $"    {Declaration(field)}\n"));
    }

    private static string Declaration(TracepointField field)
    {
        if (field.IsDataLoc)
            return $"__data_loc {field.CType} {field.Name}";
        return field.ArrayLength is { } length ? $"{field.CType} {field.Name}[{length}]" : $"{field.CType} {field.Name}";
    }
}
