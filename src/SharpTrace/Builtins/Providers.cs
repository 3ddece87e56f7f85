using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace SharpTrace.Builtins;

/// <summary>
/// Registers a builtin provider: each provider file of <c>Builtins/</c> names its class with
/// <c>[assembly: BuiltinProvider(typeof(X))]</c> at its top, so a new builtin is one new file and no list names it. The
/// attribute also keeps the class's constructor in trimmed and NativeAOT builds, and finding the providers reads only
/// these attributes (enumerating every type of the assembly cost NativeAOT start-up 15 ms).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class BuiltinProviderAttribute(
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type provider) : Attribute
{
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    public Type Provider { get; } = provider;
}

/// <summary>Finds the registered builtin providers of a kind (variables, families, functions).</summary>
internal static class Providers
{
    /// <summary>One instance of every registered provider that is a <typeparamref name="T"/>, in the order of their full names.</summary>
    public static IReadOnlyList<T> Find<T>() where T : class =>
        typeof(Providers).Assembly.GetCustomAttributes<BuiltinProviderAttribute>()
            .Where(a => typeof(T).IsAssignableFrom(a.Provider))
            .OrderBy(a => a.Provider.FullName, StringComparer.Ordinal)
            .Select(a => (T)Activator.CreateInstance(a.Provider)!)
            .ToList();
}
