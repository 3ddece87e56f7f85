using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;
using SharpTrace.Probes;
using SharpTrace.Semantics;

namespace SharpTrace;

/// <summary>
/// The composition root's registration of the builtins and probe kinds: every provider of <c>Builtins/</c> and
/// <c>Probes/</c>, as their attributes register them (<see cref="RegisteredBuiltins"/>, <see cref="RegisteredProbeKinds"/>,
/// generated at build time), so that a new builtin or probe kind is one new file and Semantics names none of them.
/// </summary>
internal static class StandardBuiltins
{
    /// <summary>The catalog every compilation binds against; immutable, built once, from one instance of each provider.</summary>
    public static BuiltinCatalog Catalog { get; } = Build(Providers.All);

    private static BuiltinCatalog Build(IReadOnlyList<object> providers) => new(
        providers.OfType<IBuiltinVariable>().ToList(),
        providers.OfType<IBuiltinVariableFamily>().ToList(),
        providers.OfType<BuiltinFunction>().ToList(),
        AggregationFunction.All.Values,
        new ProbeKinds(RegisteredProbeKinds.Create()));
}
