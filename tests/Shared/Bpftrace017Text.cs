namespace SharpTrace.TestShared;

/// <summary>What the unit and kernel tests both apply to bpftrace 0.17's text where the newest bpftrace prints
/// differently (compiled into both test projects).</summary>
internal static class Bpftrace017Text
{
    /// <summary>
    /// bpftrace 0.17's text with the newest bpftrace's histogram header applied: 0.17 writes the header of a hist or
    /// lhist (scalar <c>@h: </c>, keyed <c>@h[k]: </c>) with a space after the colon, the newest (output/text.cpp) without
    /// one (docs/differences.md, row "a histogram's header line"). Only a header line changes: a line of a map that
    /// ends in ": " and is followed by a bucket line (<c>[</c> or <c>(</c>) or by the blank line of a histogram without
    /// counts. Every other difference a test states itself.
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
