using System.Diagnostics.CodeAnalysis;

namespace SharpTrace.Builtins;

/// <summary>
/// Finds the providers in <c>Builtins/</c> by reflection: every concrete class of this namespace (and the ones below
/// it) that derives from or implements the type asked for and has a public constructor without parameters, one
/// instance each, in the order of their full names. A new builtin is a new file; no list names it. Trimming and
/// NativeAOT keep these types and their constructors because ILLink.Descriptors.xml (embedded in the assembly) roots
/// the namespaces.
/// </summary>
internal static class Providers
{
    private const string Namespace = "SharpTrace.Builtins";
    private const string Rooted = "ILLink.Descriptors.xml roots every type of SharpTrace.Builtins with its constructors.";

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = Rooted)]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = Rooted)]
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = Rooted)]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = Rooted)]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = Rooted)]
    [UnconditionalSuppressMessage("Trimming", "IL2062", Justification = Rooted)]
    [UnconditionalSuppressMessage("Trimming", "IL2065", Justification = Rooted)]
    public static IReadOnlyList<T> Find<T>() where T : class
    {
        var found = new List<(string Name, T Provider)>();
        foreach (var type in typeof(Providers).Assembly.GetTypes())
        {
            if (type is not { IsClass: true, IsAbstract: false, FullName: { } name } || !typeof(T).IsAssignableFrom(type)
                || !(type.Namespace == Namespace || name.StartsWith(Namespace + ".", StringComparison.Ordinal))
                || type.GetConstructor(Type.EmptyTypes) is null)
                continue;
            found.Add((name, (T)Activator.CreateInstance(type)!));
        }
        return found.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => f.Provider).ToList();
    }
}
