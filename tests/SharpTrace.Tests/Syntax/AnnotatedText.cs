using SharpTrace.Syntax;

namespace SharpTrace.Tests.Syntax;

/// <summary>
/// Source text with spans marked by <c>⟦</c> and <c>⟧</c> (square brackets are bpftrace map syntax, so they
/// can't be the markers). <c>BEGIN { @x = 1 ⟦}⟧</c> is the text without the markers plus the span of <c>}</c>.
/// </summary>
internal sealed record AnnotatedText(string Text, IReadOnlyList<TextSpan> Spans)
{
    public static AnnotatedText Parse(string annotated)
    {
        var text = new System.Text.StringBuilder();
        var spans = new List<TextSpan>();
        var starts = new Stack<int>();
        foreach (var c in annotated)
        {
            if (c == '⟦')
                starts.Push(text.Length);
            else if (c == '⟧')
            {
                if (starts.Count == 0)
                    throw new ArgumentException("'⟧' without '⟦' in: " + annotated);
                spans.Add(TextSpan.FromBounds(starts.Pop(), text.Length));
            }
            else
                text.Append(c);
        }
        if (starts.Count != 0)
            throw new ArgumentException("'⟦' without '⟧' in: " + annotated);
        return new AnnotatedText(text.ToString(), spans.OrderBy(s => s.Start).ToArray());
    }

    /// <summary>Parses the annotated script and checks its diagnostics: one per marked span, in order.</summary>
    public static void AssertDiagnostics(string annotated, params string[] messages) =>
        AssertDiagnostics(annotated, text => SyntaxTree.Parse(text).Diagnostics, messages);

    /// <summary>Checks the diagnostics <paramref name="diagnose"/> gives for the script: one per marked span, in order.</summary>
    public static void AssertDiagnostics(string annotated, Func<string, IReadOnlyList<Diagnostic>> diagnose, params string[] messages)
    {
        var expected = Parse(annotated);
        var actual = diagnose(expected.Text);
        if (expected.Spans.Count != messages.Length)
            throw new ArgumentException($"{expected.Spans.Count} marked spans but {messages.Length} messages");
        Assert.True(messages.Length == actual.Count,
            $"expected {messages.Length} diagnostics, got {actual.Count}:\n{string.Concat(actual.Select(d => d.Format()))}");
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Equal(messages[i], actual[i].Message);
            Assert.Equal(expected.Spans[i], actual[i].Span);
        }
    }
}
