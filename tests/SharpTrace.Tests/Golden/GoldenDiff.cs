using System.Text;

namespace SharpTrace.Tests.Golden;

/// <summary>
/// A unified-style line diff (<c>---</c>/<c>+++</c> header, <c>@@</c> hunks with context), so a failing golden
/// shows the lines that changed instead of two whole texts.
/// </summary>
internal static class GoldenDiff
{
    // Past this many changed lines in the middle the diff is not computed line by line (the table would be large);
    // the whole middle shows as replaced, which still points at the first difference.
    private const int MaxTableLines = 3000;

    public static string Unified(string expectedName, string expected, string actualName, string actual, int context = 3, int maxLines = 80)
    {
        var a = SplitLines(expected);
        var b = SplitLines(actual);
        var edits = Edits(a, b);
        var text = new StringBuilder().Append("--- ").Append(expectedName).Append('\n').Append("+++ ").Append(actualName).Append('\n');
        var written = 0;
        foreach (var (start, end) in Hunks(edits, context))
        {
            var (aStart, bStart) = (edits[start].A, edits[start].B);
            var aCount = edits.Skip(start).Take(end - start).Count(e => e.Op != '+');
            var bCount = edits.Skip(start).Take(end - start).Count(e => e.Op != '-');
            text.Append($"@@ -{aStart + 1},{aCount} +{bStart + 1},{bCount} @@\n");
            for (var i = start; i < end; i++)
            {
                if (++written > maxLines)
                    return text.Append("... (diff truncated)\n").ToString();
                text.Append(edits[i].Op).Append(edits[i].Line).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string[] SplitLines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        // A final newline ends the last line; it does not start an empty one.
        return lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines;
    }

    /// <summary>One line of the diff: ' ' kept, '-' only in the expected text, '+' only in the actual one; A and B are the line indexes.</summary>
    private readonly record struct Edit(char Op, string Line, int A, int B);

    private static List<Edit> Edits(string[] a, string[] b)
    {
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
            prefix++;
        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
            suffix++;
        var edits = new List<Edit>();
        for (var i = 0; i < prefix; i++)
            edits.Add(new Edit(' ', a[i], i, i));
        var (n, m) = (a.Length - prefix - suffix, b.Length - prefix - suffix);
        if (n > MaxTableLines || m > MaxTableLines)
        {
            for (var i = 0; i < n; i++)
                edits.Add(new Edit('-', a[prefix + i], prefix + i, prefix));
            for (var j = 0; j < m; j++)
                edits.Add(new Edit('+', b[prefix + j], prefix + n, prefix + j));
        }
        else
            AddMiddle(a, b, prefix, n, m, edits);
        for (var i = 0; i < suffix; i++)
            edits.Add(new Edit(' ', a[a.Length - suffix + i], a.Length - suffix + i, b.Length - suffix + i));
        return edits;
    }

    // Longest common subsequence of the middle parts: common[i, j] is its length for a[i..] and b[j..].
    private static void AddMiddle(string[] a, string[] b, int offset, int n, int m, List<Edit> edits)
    {
        var common = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
            for (var j = m - 1; j >= 0; j--)
                common[i, j] = a[offset + i] == b[offset + j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
        var (x, y) = (0, 0);
        while (x < n || y < m)
        {
            if (x < n && y < m && a[offset + x] == b[offset + y])
            {
                edits.Add(new Edit(' ', a[offset + x], offset + x, offset + y));
                (x, y) = (x + 1, y + 1);
            }
            // Removed lines before inserted ones, as diff -u prints a changed line.
            else if (x < n && (y == m || common[x + 1, y] >= common[x, y + 1]))
            {
                edits.Add(new Edit('-', a[offset + x], offset + x, offset + y));
                x++;
            }
            else
            {
                edits.Add(new Edit('+', b[offset + y], offset + x, offset + y));
                y++;
            }
        }
    }

    /// <summary>Ranges [start, end) of edits to print: each change with up to <paramref name="context"/> kept lines around it.</summary>
    private static IEnumerable<(int Start, int End)> Hunks(List<Edit> edits, int context)
    {
        var changes = Enumerable.Range(0, edits.Count).Where(i => edits[i].Op != ' ').ToList();
        var index = 0;
        while (index < changes.Count)
        {
            var start = Math.Max(0, changes[index] - context);
            var end = Math.Min(edits.Count, changes[index] + context + 1);
            // Changes closer than two contexts apart share a hunk.
            while (++index < changes.Count && changes[index] - context <= end)
                end = Math.Min(edits.Count, changes[index] + context + 1);
            yield return (start, end);
        }
    }
}
