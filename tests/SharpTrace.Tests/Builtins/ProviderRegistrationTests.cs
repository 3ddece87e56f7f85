using System.Reflection;
using SharpTrace.Builtins;
using SharpTrace.Probes;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>A provider file that forgets its <c>[assembly: BuiltinProvider(…)]</c> line would be a builtin nobody can call.</summary>
public sealed class ProviderRegistrationTests
{
    [Fact]
    public void EveryProviderClassOfBuiltinsIsRegistered()
    {
        var providers = typeof(Providers).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.Namespace is "SharpTrace.Builtins" or "SharpTrace.Builtins.Aggregations" && t.GetConstructor(Type.EmptyTypes) is not null
                && (typeof(BuiltinFunction).IsAssignableFrom(t) || typeof(IBuiltinVariable).IsAssignableFrom(t) || typeof(IBuiltinVariableFamily).IsAssignableFrom(t)
                    || typeof(SharpTrace.Builtins.Aggregations.AggregationFunction).IsAssignableFrom(t)))
            .Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        var registered = typeof(Providers).Assembly.GetCustomAttributes<BuiltinProviderAttribute>()
            .Select(a => a.Provider.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Contains("Strerror", providers);
        Assert.Contains("Hist", providers);
        Assert.Equal(providers, registered);
    }

    // The generated registries (src/SharpTrace.Generators) construct exactly what the attributes name, in the order of
    // the full names, so the binder and -l see the same kinds and builtins as before the generator.
    [Fact]
    public void TheGeneratedRegistriesConstructExactlyTheRegisteredClasses()
    {
        var builtins = typeof(Providers).Assembly.GetCustomAttributes<BuiltinProviderAttribute>()
            .Select(a => a.Provider.FullName!).Order(StringComparer.Ordinal).ToList();
        var kinds = typeof(Providers).Assembly.GetCustomAttributes<ProbeKindProviderAttribute>()
            .Select(a => a.Kind.FullName!).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(builtins, RegisteredBuiltins.Create().Select(p => p.GetType().FullName!));
        Assert.Equal(kinds, RegisteredProbeKinds.Create().Select(k => k.GetType().FullName!));
        Assert.Contains("SharpTrace.Probes.HardwareProbe", kinds);
        Assert.NotSame(RegisteredBuiltins.Create()[0], RegisteredBuiltins.Create()[0]);
    }
}
