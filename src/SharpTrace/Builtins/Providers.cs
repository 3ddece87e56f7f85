namespace SharpTrace.Builtins;

/// <summary>
/// Registers a builtin provider: each provider file of <c>Builtins/</c> names its class with
/// <c>[assembly: BuiltinProvider(typeof(X))]</c> at its top, so a new builtin is one new file and no list names it. A
/// source generator (src/SharpTrace.Generators) turns these attributes into <see cref="RegisteredBuiltins"/>, plain
/// constructor calls: reading them by reflection cost NativeAOT start-up about 200 pages of memory and several ms.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class BuiltinProviderAttribute(Type provider) : Attribute
{
    public Type Provider { get; } = provider;
}

/// <summary>The registered builtin providers, one instance of each, created once per process (they hold no state).</summary>
internal static class Providers
{
    /// <summary>Every registered provider, in the order of their full names.</summary>
    public static IReadOnlyList<object> All { get; } = RegisteredBuiltins.Create();

    /// <summary>Every registered provider that is a <typeparamref name="T"/>, in the order of their full names.</summary>
    public static IReadOnlyList<T> Find<T>() where T : class => All.OfType<T>().ToList();
}
