namespace SharpTrace.KernelTests.Support;

/// <summary>
/// The differential checks most kernel tests share: one script under bpftrace 0.17 and under sharptrace (which may
/// run a variant of it, e.g. with map declarations 0.17 cannot parse), stdout compared.
/// </summary>
public static class AgainstBpftrace
{
    /// <summary>Text: both exit 0 and sharptrace's stdout is bpftrace's.</summary>
    public static async Task AssertTextMatchesAsync(string script, string? ourScript = null)
    {
        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", ourScript ?? script]);

        Assert.Equal(0, expected.ExitCode);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    /// <summary>
    /// JSON: both exit 0, the same lines once bpftrace's empty ones are dropped, and every line of ours a JSON object.
    /// Returns bpftrace's run for checks of its own.
    /// </summary>
    public static async Task<RunResult> AssertJsonLinesMatchAsync(string script, string? ourScript = null)
    {
        var expected = await BpftraceRun.RunAsync(["-f", "json", "-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-f", "json", "-e", ourScript ?? script]);

        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(0, actual.ExitCode);
        Assert.Equal(JsonLines.NonEmpty(expected.Stdout), JsonLines.NonEmpty(actual.Stdout));
        JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        return expected;
    }

    /// <summary>
    /// bpftrace 0.17's text with the newest bpftrace's histogram header applied: 0.17 writes the header of a hist or
    /// lhist (<c>@h: </c>, <c>@h[k]: </c>) with a space after the colon, the newest (output/text.cpp) without one
    /// (docs/differences.md, row "a histogram's header line"). Only such a header changes: a line of a map that ends in
    /// ": " and is followed by a bucket line (<c>[</c> or <c>(</c>) or by the blank line of a histogram without counts.
    /// </summary>
    public static string WithNewestHistogramHeaders(string bpftrace017Text)
    {
        var lines = bpftrace017Text.Split('\n');
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            var next = lines[i + 1];
            if (lines[i].StartsWith('@') && lines[i].EndsWith(": ", StringComparison.Ordinal)
                && (next.Length == 0 || next[0] is '[' or '('))
                lines[i] = lines[i][..^1];
        }
        return string.Join('\n', lines);
    }
}
