using System.Text.Json;

namespace SharpTrace.KernelTests.Support;

/// <summary>The `-f json` contract: every line of stdout is one JSON object, and no line is empty.</summary>
public static class JsonLines
{
    /// <summary>Fails unless <paramref name="stdout"/> is zero or more newline-terminated JSON objects, none empty.</summary>
    public static void AssertEveryLineIsAnObject(string stdout)
    {
        if (stdout.Length == 0)
            return;
        Assert.EndsWith("\n", stdout);
        var lines = stdout[..^1].Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.False(lines[i].Length == 0, $"line {i + 1} of the JSON output is empty:\n{stdout}");
            using var document = JsonDocument.Parse(lines[i]);
            Assert.True(document.RootElement.ValueKind == JsonValueKind.Object, $"line {i + 1} is not a JSON object: {lines[i]}");
        }
    }

    /// <summary>The lines of <paramref name="stdout"/> that are not empty: what a line-by-line consumer keeps of bpftrace's output.</summary>
    public static IReadOnlyList<string> NonEmpty(string stdout) =>
        stdout.Split('\n').Where(line => line.Length > 0).ToList();
}
