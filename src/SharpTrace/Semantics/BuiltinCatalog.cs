using System.Diagnostics.CodeAnalysis;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Semantics;

/// <summary>
/// What the binder needs of a builtin variable such as <c>pid</c> or <c>comm</c>: its name, its type and where it
/// may be used. Its lowering lives with it in <c>Builtins/</c>, out of the binder's sight.
/// </summary>
internal interface IBuiltinVariable
{
    string Name { get; }

    BpfType Type { get; }

    /// <summary>The type when the script's C types are known: <c>curtask</c> is a <c>struct task_struct *</c> with BTF.</summary>
    BpfType TypeIn(CTypeTable types);

    /// <summary>Probe kinds where the variable has a meaning.</summary>
    bool IsAllowedIn(ProbeKind kind);

    /// <summary>Where the variable may be used, in bpftrace's words for its error message (e.g. "'kretprobe' and 'uretprobe'"); null for the generic message.</summary>
    string? AllowedProbes { get; }

    /// <summary>Advice appended to the not-allowed message in a probe of <paramref name="kind"/>, starting with a space; empty for none.</summary>
    string NotAllowedHint(ProbeKind kind);
}

/// <summary>A numbered family of builtin variables (<c>arg0</c>, <c>arg1</c>, …): the variable a name stands for, or null.</summary>
internal interface IBuiltinVariableFamily
{
    IBuiltinVariable? Parse(string name);
}

/// <summary>
/// The builtins and probe kinds a compilation knows, handed to the binder by the composition root: Semantics looks
/// names up here and never names a builtin or a probe kind itself.
/// </summary>
internal sealed class BuiltinCatalog
{
    private readonly IReadOnlyDictionary<string, IBuiltinVariable> _variables;
    private readonly IReadOnlyList<IBuiltinVariableFamily> _families;
    private readonly IReadOnlyDictionary<string, BuiltinFunction> _functions;
    private readonly IReadOnlyDictionary<string, AggregationBuiltin> _aggregations;

    public BuiltinCatalog(IEnumerable<IBuiltinVariable> variables, IEnumerable<IBuiltinVariableFamily> families,
        IEnumerable<BuiltinFunction> functions, IEnumerable<AggregationBuiltin> aggregations, ProbeKinds probeKinds)
    {
        ProbeKinds = probeKinds;
        _variables = variables.ToDictionary(v => v.Name);
        _families = families.ToList();
        _functions = functions.ToDictionary(f => f.Name);
        _aggregations = aggregations.ToDictionary(a => a.Name);
    }

    /// <summary>The probe kinds attach points may name.</summary>
    public ProbeKinds ProbeKinds { get; }

    /// <summary>Finds a builtin variable by name, including the numbered families (<c>arg0</c>, <c>arg1</c>, …).</summary>
    public bool TryGetVariable(string name, [NotNullWhen(true)] out IBuiltinVariable? variable)
    {
        variable = _variables.GetValueOrDefault(name) ?? _families.Select(f => f.Parse(name)).FirstOrDefault(v => v is not null);
        return variable is not null;
    }

    /// <summary>The builtin variable named <paramref name="name"/>, which must exist (<c>pid</c> for <c>-p</c>).</summary>
    public IBuiltinVariable Variable(string name) =>
        TryGetVariable(name, out var variable) ? variable : throw new KeyNotFoundException($"no builtin variable {name}");

    /// <summary>
    /// The type of a builtin variable that user space turns into text, by the name the newest bpftrace gives it in a
    /// cast (<c>username_t</c>, what <c>username</c> is: its standard library defines <c>username</c> as
    /// <c>(username_t)uid</c>); null when no builtin variable has a type of that name.
    /// </summary>
    public SelfDecodingType? CastableType(string name) =>
        _variables.Values.Select(v => v.Type).OfType<SelfDecodingType>().FirstOrDefault(t => t.ToString() == name);

    public bool TryGetFunction(string name, [NotNullWhen(true)] out BuiltinFunction? function) =>
        _functions.TryGetValue(name, out function);

    public bool IsAggregation(string name) => _aggregations.ContainsKey(name);

    /// <summary>The aggregation function named <paramref name="name"/>, which must exist.</summary>
    public AggregationBuiltin Aggregation(string name) => _aggregations[name];
}
