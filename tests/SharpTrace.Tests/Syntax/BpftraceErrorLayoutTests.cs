using System.Text;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Syntax;

/// <summary>
/// Syntax errors print byte for byte as bpftrace 0.17 prints them: position, message, source line and underline.
/// The expected text in Golden/Bpftrace017SyntaxErrors.txt was captured from real bpftrace runs.
/// </summary>
public class BpftraceErrorLayoutTests
{
    private static string GoldenPath => Path.Combine(AppContext.BaseDirectory, "Syntax", "Golden", "Bpftrace017SyntaxErrors.txt");

    private static IEnumerable<(string Script, string Expected)> Cases()
    {
        string? script = null;
        var expected = new StringBuilder();
        foreach (var line in File.ReadAllLines(GoldenPath))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                if (script != null)
                    yield return (script, expected.ToString());
                script = Unescape(line[4..]);
                expected.Clear();
            }
            else if (script != null)
                expected.Append(line).Append('\n');
        }
        if (script != null)
            yield return (script, expected.ToString());
    }

    // The golden file writes a script on one line: "\n" is a line break and "\\" a backslash (as printf %b reads them).
    private static string Unescape(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is 'n' or '\\')
                sb.Append(text[++i] == 'n' ? '\n' : '\\');
            else
                sb.Append(text[i]);
        }
        return sb.ToString();
    }

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var (script, _) in Cases())
            data.Add(script);
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void PrintsSyntaxErrorLikeBpftrace017(string script)
    {
        var expected = Cases().Single(c => c.Script == script).Expected;
        var tree = SyntaxTree.Parse(script);
        Assert.Equal(expected, string.Concat(tree.Diagnostics.Select(d => d.Format())));
    }

    [Fact]
    public void GoldenFileHasEnoughCases() => Assert.True(Cases().Count() >= 40);
}
