using System.Text;
using Xunit.Abstractions;

namespace SharpTrace.Tests.Architecture;

/// <summary>
/// The stages of src/SharpTrace keep the dependency rule (<see cref="DependencyRule"/>), except for the violations
/// listed here. The list is a ratchet: a new violation fails, and so does a listed one that has gone, until it is
/// struck off the list. Each failure names every type pair behind the violation.
/// </summary>
public sealed class DependencyRuleTests(ITestOutputHelper output)
{
    /// <summary>Stage pairs that break the rule today, each with the types that do it and what removes it.</summary>
    private static readonly Dictionary<string, string> KnownViolations = new()
    {
    };

    // The rule's reason, and whether the dependency closes a cycle: the stage used reaches back to the user.
    private static string? Explain(string from, string to) =>
        DependencyRule.Forbids(from, to) is { } reason ? Reaches(to, from) ? reason + "; it closes a cycle" : reason : null;

    private static bool Reaches(string from, string to)
    {
        var seen = new HashSet<string> { from };
        var pending = new Queue<string>([from]);
        while (pending.TryDequeue(out var stage))
        {
            if (stage == to)
                return true;
            foreach (var next in StageGraph.CrossStage.Where(d => d.FromStage == stage).Select(d => d.ToStage))
                if (seen.Add(next))
                    pending.Enqueue(next);
        }
        return false;
    }

    [Fact]
    public void EveryFolderIsAStage()
    {
        var unplaced = typeof(TraceScript).Assembly.GetTypes()
            .Select(t => t.Namespace is { } ns ? StageGraph.StageOf(ns) : null)
            .OfType<string>().Distinct().Where(stage => !DependencyRule.IsStage(stage)).Order(StringComparer.Ordinal).ToList();

        Assert.True(unplaced.Count == 0, $"folders of src/SharpTrace without a place in DependencyRule.Layers: {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void DependenciesInMethodBodiesAreSeen()
    {
        // KernelFeatures assembles its probe programs inside a method: a dependency no signature shows.
        Assert.Contains(StageGraph.CrossStage, d => d.FromType == "SharpTrace.Kernel.KernelFeatures" && d.ToType == "SharpTrace.Bpf.Assembler");
    }

    [Fact]
    public void StagesKeepTheDependencyRuleExceptKnownViolations()
    {
        var violations = StageGraph.CrossStage
            .Select(d => (Dependency: d, Reason: Explain(d.FromStage, d.ToStage)))
            .Where(v => v.Reason is not null)
            .GroupBy(v => $"{v.Dependency.FromStage} -> {v.Dependency.ToStage}")
            .ToDictionary(g => g.Key, g => (Reason: g.First().Reason!, Types: g.Select(v => $"{v.Dependency.FromType} -> {v.Dependency.ToType}").ToList()));

        foreach (var (pair, (reason, types)) in violations.OrderBy(v => v.Key, StringComparer.Ordinal))
            output.WriteLine($"{(KnownViolations.ContainsKey(pair) ? "known" : "NEW")} {pair} ({reason}):\n    " + string.Join("\n    ", types));

        var report = new StringBuilder();
        foreach (var (pair, (reason, types)) in violations.Where(v => !KnownViolations.ContainsKey(v.Key)).OrderBy(v => v.Key, StringComparer.Ordinal))
            report.Append($"new violation {pair} ({reason}):\n    ").AppendJoin("\n    ", types).Append('\n');
        foreach (var pair in KnownViolations.Keys.Where(pair => !violations.ContainsKey(pair)).Order(StringComparer.Ordinal))
            report.Append($"{pair} is no longer a violation: strike it off KnownViolations in {nameof(DependencyRuleTests)}\n");
        Assert.True(report.Length == 0, report.ToString());
    }
}
