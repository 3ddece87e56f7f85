using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// Registers a probe kind: each provider file says <c>[assembly: ProbeKindProvider(typeof(MyKind))]</c>, so adding a
/// kind edits no list. The type needs a public parameterless constructor: a source generator (src/SharpTrace.Generators)
/// turns the attributes into constructor calls (<c>Probes.RegisteredProbeKinds</c>), which the composition root hands
/// to the binder.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class ProbeKindProviderAttribute(Type kind) : Attribute
{
    public Type Kind { get; } = kind;
}

/// <summary>The probe kinds a compilation knows, found by name or alias.</summary>
internal sealed class ProbeKinds
{
    private readonly Dictionary<string, ProbeKind> _byName = new(StringComparer.Ordinal);

    public ProbeKinds(IEnumerable<ProbeKind> kinds)
    {
        All = kinds.OrderBy(k => k.Name, StringComparer.Ordinal).ToList();
        foreach (var kind in All)
            foreach (var name in kind.Aliases.Prepend(kind.Name))
                if (!_byName.TryAdd(name, kind))
                    throw new InvalidOperationException($"probe kinds {_byName[name]} and {kind} both claim the name '{name}'");
    }

    /// <summary>Every kind, by name.</summary>
    public IReadOnlyList<ProbeKind> All { get; }

    /// <summary>The kind called <paramref name="provider"/> or by that alias, or null.</summary>
    public ProbeKind? Find(string provider) => _byName.GetValueOrDefault(provider);

    /// <summary>
    /// The probes <paramref name="point"/> names, through its kind; when no kind has that name, the newest bpftrace's
    /// error (every kind it has is here, so an unknown one is a name it refuses too, such as the dropped
    /// <c>asyncwatchpoint</c>).
    /// </summary>
    public IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        if (Find(point.Provider) is { } kind)
            return kind.Resolve(point, resolution);
        resolution.Diagnostics.Error(point.Span, $"Invalid probe type: {point.Provider}");
        return [];
    }
}
