using System.Text.Json;

namespace SharpTrace.KernelTests.Support;

/// <summary>The promise of <c>-f json</c>: every line of stdout is one JSON object, and no line is empty.</summary>
public static class JsonLines
{
    /// <summary>Fails unless every line of <paramref name="stdout"/> parses as a JSON object and none is empty.</summary>
    public static void AssertEveryLineIsAnObject(string stdout)
    {
        if (stdout.Length == 0)
            return;
        Assert.True(stdout.EndsWith('\n'), $"JSON output does not end with a newline:\n{stdout}");
        var lines = stdout[..^1].Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.True(lines[i].Length > 0, $"line {i + 1} of the JSON output is empty:\n{stdout}");
            using var document = JsonDocument.Parse(lines[i]);
            Assert.True(document.RootElement.ValueKind == JsonValueKind.Object, $"line {i + 1} is not a JSON object: {lines[i]}");
        }
    }
}
