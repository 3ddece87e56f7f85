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
    /// <summary>The catalog every compilation binds against; immutable, built once.</summary>
    public static BuiltinCatalog Catalog { get; } = new(
        Providers.Find<IBuiltinVariable>(),
        Providers.Find<IBuiltinVariableFamily>(),
        Providers.Find<BuiltinFunction>(),
        AggregationFunction.All.Values,
        new ProbeKinds(RegisteredProbeKinds.Create()));
}
