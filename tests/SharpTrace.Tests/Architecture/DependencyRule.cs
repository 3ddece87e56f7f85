namespace SharpTrace.Tests.Architecture;

/// <summary>
/// The dependency rule between the stages of src/SharpTrace (docs/architecture.md, "Dependency rule"): an order from
/// the bottom up in which a stage uses only stages below it, so the folders form no cycle, and stricter rules for
/// some stages on top of it.
/// </summary>
internal static class DependencyRule
{
    /// <summary>
    /// Every stage, from the bottom up. A new folder must be placed here (the architecture test fails until it is).
    /// </summary>
    public static IReadOnlyList<string> Layers { get; } =
        ["Bpf", "Syntax", "Output", "Kernel", "Records", "Semantics", "Lowering", "CodeGen", "Probes", "Builtins", "Runtime", StageGraph.Root];

    /// <summary>Stages that may use only the stages listed, whatever lies below them.</summary>
    private static readonly Dictionary<string, string[]> OnlyUses = new()
    {
        ["Bpf"] = [],
        ["Syntax"] = [],
        ["Output"] = [],
        ["Kernel"] = ["Bpf"],
    };

    /// <summary>Stages a stage must not use although they lie below it.</summary>
    private static readonly Dictionary<string, string[]> NeverUses = new()
    {
        ["CodeGen"] = ["Syntax", "Builtins", "Runtime", "Output", "Probes"],
    };

    /// <summary>Why <paramref name="from"/> must not use <paramref name="to"/>, or null when it may.</summary>
    public static string? Forbids(string from, string to)
    {
        if (from == to)
            return null;
        if (OnlyUses.TryGetValue(from, out var only) && !only.Contains(to))
            return only.Length == 0 ? $"{from} depends on no other stage" : $"{from} depends only on {string.Join(", ", only)}";
        if (NeverUses.TryGetValue(from, out var never) && never.Contains(to))
            return $"{from} does not see {to}";
        return Index(to) > Index(from) ? $"{to} lies above {from} in the stage order" : null;
    }

    public static bool IsStage(string stage) => Layers.Contains(stage);

    private static int Index(string stage) => Layers.ToList().IndexOf(stage);
}
