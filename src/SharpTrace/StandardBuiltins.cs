using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;
using SharpTrace.Semantics;

namespace SharpTrace;

/// <summary>
/// The composition root's registration of the builtins: every provider of <c>Builtins/</c>, found by reflection
/// (<see cref="Providers"/>), so that a new builtin is one new file and Semantics names none of them.
/// </summary>
internal static class StandardBuiltins
{
    /// <summary>The catalog every compilation binds against; immutable, built once.</summary>
    public static BuiltinCatalog Catalog { get; } = new(
        Providers.Find<IBuiltinVariable>(),
        Providers.Find<IBuiltinVariableFamily>(),
        Providers.Find<BuiltinFunction>(),
        AggregationFunction.All.Values);
}
