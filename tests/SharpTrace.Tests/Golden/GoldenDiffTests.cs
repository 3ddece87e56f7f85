namespace SharpTrace.Tests.Golden;

/// <summary>The diff a failing golden prints: only the changed lines, with context, in unified form.</summary>
public sealed class GoldenDiffTests
{
    private static string Lines(int from, int to) => string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"line {i}\n"));

    [Fact]
    public void ChangedLineShowsWithThreeLinesOfContext()
    {
        var expected = Lines(1, 20);
        var actual = expected.Replace("line 10\n", "line ten\n", StringComparison.Ordinal);

        Assert.Equal("""
            --- a.txt
            +++ actual
            @@ -7,7 +7,7 @@
             line 7
             line 8
             line 9
            -line 10
            +line ten
             line 11
             line 12
             line 13

            """.Replace("\r\n", "\n", StringComparison.Ordinal), GoldenDiff.Unified("a.txt", expected, "actual", actual));
    }

    [Fact]
    public void InsertedAndRemovedLinesFarApartAreSeparateHunks()
    {
        var expected = Lines(1, 30);
        var actual = "line 0\n" + Lines(1, 24) + Lines(26, 30);

        var diff = GoldenDiff.Unified("a.txt", expected, "actual", actual);

        Assert.Contains("@@ -1,3 +1,4 @@\n+line 0\n line 1\n", diff, StringComparison.Ordinal);
        Assert.Contains("@@ -22,7 +23,6 @@\n line 22\n line 23\n line 24\n-line 25\n line 26\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void LongDiffIsTruncated()
    {
        var diff = GoldenDiff.Unified("a.txt", Lines(1, 500), "actual", Lines(1001, 1500));

        Assert.EndsWith("... (diff truncated)\n", diff, StringComparison.Ordinal);
        Assert.True(diff.Split('\n').Length < 100);
    }
}
