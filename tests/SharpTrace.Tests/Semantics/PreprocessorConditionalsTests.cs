using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// The conditional stack scripts and headers share: which lines are read, with known and unknown conditions, and
/// which conditions are evaluated at all.
/// </summary>
public class PreprocessorConditionalsTests
{
    // Conditions are their own text: "1", "0" or "?" (unknown); a macro is defined when named in `defined`.
    private sealed class Conditions(params string[] defined) : IConditionSource
    {
        public List<string> Evaluated { get; } = [];

        public ConditionTruth IsDefined(string name) => defined.Contains(name) ? ConditionTruth.True : ConditionTruth.False;

        public ConditionTruth Evaluate(string condition, int offset)
        {
            Evaluated.Add(condition);
            return condition switch { "1" => ConditionTruth.True, "0" => ConditionTruth.False, _ => ConditionTruth.Unknown };
        }
    }

    // The lines of `lines` that are read: directives are "#word rest", other lines are names.
    private static List<string> ReadLines(Conditions conditions, params string[] lines)
    {
        var stack = new PreprocessorConditionals(conditions);
        var read = new List<string>();
        foreach (var line in lines)
        {
            var isDirective = line.StartsWith('#');
            var space = line.IndexOf(' ');
            var word = !isDirective ? "" : space < 0 ? line[1..] : line[1..space];
            var rest = space < 0 ? "" : line[(space + 1)..];
            if (isDirective && stack.Directive(word, rest, 0, default) != ConditionalDirective.Other)
                continue;
            if (stack.Active)
                read.Add(line);
        }
        return read;
    }

    [Fact]
    public void KnownConditionsReadTheFirstTakenBranchOnly()
    {
        var read = ReadLines(new Conditions("A"), "#if 0", "a", "#elif 1", "b", "#elif 1", "c", "#else", "d", "#endif",
            "#ifdef A", "e", "#else", "f", "#endif", "#ifndef A", "g", "#else", "h", "#endif", "i");
        Assert.Equal(["b", "e", "h", "i"], read);
    }

    [Fact]
    public void AnUnknownBranchIsReadAndSoIsTheTrueOneAfterIt()
    {
        Assert.Equal(["a", "b"], ReadLines(new Conditions(), "#if ?", "a", "#elif 1", "b", "#else", "c", "#endif"));
        Assert.Equal(["a", "c"], ReadLines(new Conditions(), "#if ?", "a", "#elif 0", "b", "#else", "c", "#endif"));
        Assert.Equal(["a"], ReadLines(new Conditions(), "#if 1", "a", "#elif ?", "b", "#else", "c", "#endif"));
    }

    [Fact]
    public void NothingInsideASkippedBranchIsReadOrEvaluated()
    {
        var conditions = new Conditions();
        var read = ReadLines(conditions, "#if 0", "#if inner", "a", "#elif inner-elif", "b", "#else", "c", "#endif",
            "#elif 1", "d", "#elif after-taken", "e", "#endif");
        Assert.Equal(["d"], read);
        Assert.Equal(["0", "1"], conditions.Evaluated);
    }

    [Fact]
    public void UnmatchedAndOpenConditionalsAreReported()
    {
        var stack = new PreprocessorConditionals(new Conditions());
        Assert.Equal(ConditionalDirective.Unmatched, stack.Directive("endif", "", 0, default));
        Assert.Equal(ConditionalDirective.Unmatched, stack.Directive("else", "", 0, default));
        Assert.Equal(ConditionalDirective.Other, stack.Directive("define", "X 1", 0, default));
        Assert.Equal(ConditionalDirective.Handled, stack.Directive("if", "1", 0, new TextSpan(1, 2)));
        Assert.Equal(ConditionalDirective.Handled, stack.Directive("ifdef", "X", 0, new TextSpan(5, 3)));
        Assert.Equal([new TextSpan(5, 3), new TextSpan(1, 2)], stack.Open);
    }

    [Fact]
    public void AScriptsConditionInASkippedBranchReportsNoError() =>
        CDeclarationKit.ReadClean("#if 0\n#if 1 / 0\n#endif\n#elif 1\n#elif 2 / 0\n#endif\nBEGIN { }");
}
