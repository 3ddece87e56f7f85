using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace SharpTrace.Tests.Architecture;

/// <summary>One type of src/SharpTrace using another type of a different stage.</summary>
internal sealed record TypeDependency(string FromStage, string FromType, string ToStage, string ToType);

/// <summary>
/// The stages of src/SharpTrace (a stage is a top-level folder, whose namespace is <c>SharpTrace.FOLDER</c>; the root
/// folder is the stage "root") and every dependency of a type on a type of another stage, read from the compiled
/// library's IL by ArchUnitNET: signatures, fields, base types, attributes, and what method bodies call, create or read.
/// </summary>
internal static class StageGraph
{
    public const string Root = "root";

    private static readonly Lazy<IReadOnlyList<TypeDependency>> Dependencies = new(Load);

    /// <summary>Every dependency between types of two different stages, each type pair once, sorted.</summary>
    public static IReadOnlyList<TypeDependency> CrossStage => Dependencies.Value;

    /// <summary>The stage of a namespace of the library, or null for a namespace outside it.</summary>
    public static string? StageOf(string ns)
    {
        if (ns == "SharpTrace")
            return Root;
        if (!ns.StartsWith("SharpTrace.", StringComparison.Ordinal))
            return null;
        var rest = ns["SharpTrace.".Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static IReadOnlyList<TypeDependency> Load()
    {
        var architecture = new ArchLoader().LoadAssemblies(typeof(TraceScript).Assembly).Build();
        var pairs = new SortedSet<(string, string, string, string)>();
        foreach (var type in architecture.Types)
        {
            if (type.Namespace?.FullName is not { } typeNamespace || StageOf(typeNamespace) is not { } from)
                continue;
            foreach (var dependency in type.Dependencies)
            {
                var target = dependency.Target;
                if (target.Namespace?.FullName is { } ns && StageOf(ns) is { } to && to != from)
                    pairs.Add((from, Outermost(type), to, Outermost(target)));
            }
        }
        return pairs.Select(p => new TypeDependency(p.Item1, p.Item2, p.Item3, p.Item4)).ToList();
    }

    // Nested and compiler-generated types (closures, iterators) count as the type that declares them.
    private static string Outermost(IType type)
    {
        var name = type.FullName;
        var plus = name.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? name : name[..plus];
    }
}
