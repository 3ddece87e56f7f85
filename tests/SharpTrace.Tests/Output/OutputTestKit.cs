using System.Text;
using System.Text.Json;
using SharpTrace.Output;

namespace SharpTrace.Tests.Output;

/// <summary>Shorthands for building values, and the renderers every output test goes through.</summary>
internal static class OutputTestKit
{
    public static IntegerValue I(long value) => new(value);

    public static IntegerValue U(ulong value) => new((long)value, IsSigned: false);

    public static StringValue S(string value) => new(value);

    public static TupleValue T(params RuntimeValue[] elements) => new(elements);

    /// <summary>A map entry; key parts given as long, string or RuntimeValue.</summary>
    public static MapEntry E(RuntimeValue value, params object[] key) => new(key.Select(ToValue).ToList(), value);

    public static MapSnapshot Scalar(string name, RuntimeValue value) => MapSnapshot.Scalar(name, value);

    public static MapSnapshot Keyed(string name, params MapEntry[] entries) => MapSnapshot.Keyed(name, entries);

    public static MapSnapshot Empty(string name, bool isScalar = false) => new(name, isScalar, []);

    /// <summary>What the text writer writes.</summary>
    public static string Text(Action<IOutputWriter> write)
    {
        var output = new StringWriter();
        var writer = new TextOutputWriter(output);
        write(writer);
        writer.Flush();
        return output.ToString();
    }

    /// <summary>
    /// What the JSON writer writes, after checking the promise of <c>-f json</c>: every line is one JSON object,
    /// no line is empty, and the output ends with a newline (or is empty).
    /// </summary>
    public static string Json(Action<IOutputWriter> write)
    {
        var output = new StringWriter();
        var writer = new JsonOutputWriter(output);
        write(writer);
        writer.Flush();
        var text = output.ToString();
        AssertNdjson(text);
        return text;
    }

    public static void AssertNdjson(string text)
    {
        if (text.Length == 0)
            return;
        Assert.EndsWith("\n", text);
        foreach (var line in text[..^1].Split('\n'))
        {
            Assert.False(string.IsNullOrWhiteSpace(line), "JSON output has an empty line:\n" + text);
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
    }

    /// <summary>
    /// Decodes a golden written as <c>cat -A</c> shows bpftrace's output (what run-bpftrace.sh prints): every line ends
    /// with <c>$</c>, so trailing spaces and blank lines are visible, and control characters read <c>^I</c>, <c>^?</c>.
    /// </summary>
    public static string CatA(string golden)
    {
        var text = new StringBuilder();
        foreach (var line in golden.Split('\n'))
        {
            Assert.True(line.EndsWith('$'), $"golden line does not end with $: '{line}'");
            for (var i = 0; i < line.Length - 1; i++)
            {
                if (line[i] == '^' && i + 1 < line.Length - 1)
                {
                    var c = line[++i];
                    text.Append(c == '?' ? '\x7f' : (char)(c - 64));
                }
                else
                {
                    text.Append(line[i]);
                }
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static RuntimeValue ToValue(object part) => part switch
    {
        RuntimeValue value => value,
        string s => new StringValue(s),
        int i => new IntegerValue(i),
        long l => new IntegerValue(l),
        _ => throw new ArgumentException($"No key part for {part.GetType().Name}."),
    };
}
