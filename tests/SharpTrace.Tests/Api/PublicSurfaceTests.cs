using System.Text.RegularExpressions;

namespace SharpTrace.Tests.Api;

/// <summary>docs/api.md names exactly the library's public types (the analyzer's baseline pins their members).</summary>
public sealed partial class PublicSurfaceTests
{
    [Fact]
    public void ApiDocumentListsExactlyThePublicTypes()
    {
        var document = File.ReadAllText(Path.Combine(SourceTree.Root, "docs", "api.md"));
        var section = document[document.IndexOf("## What is public", StringComparison.Ordinal)..];
        var documented = new SortedSet<string>(StringComparer.Ordinal);
        var space = "";
        foreach (var row in TableRow().Matches(section).Select(m => m.Groups[1].Value))
        {
            if (row.StartsWith("**", StringComparison.Ordinal))
                space = row.Trim('*', '`');
            else
                documented.Add($"{space}.{row.Trim('`')}");
        }

        var exported = new SortedSet<string>(typeof(TraceScript).Assembly.GetExportedTypes().Select(t => t.FullName!), StringComparer.Ordinal);

        Assert.Equal(exported, documented);
    }

    [Fact]
    public void EveryPublicTypeIsDocumentedInTheXmlDocumentationFile()
    {
        var xml = Path.ChangeExtension(typeof(TraceScript).Assembly.Location, ".xml");
        var text = File.ReadAllText(xml);

        Assert.All(typeof(TraceScript).Assembly.GetExportedTypes(), type => Assert.Contains($"<member name=\"T:{type.FullName}\">", text));
    }

    [GeneratedRegex(@"(?m)^\| (\*\*`[A-Za-z.]+`\*\*|`[A-Za-z]+`) \|")]
    private static partial Regex TableRow();
}
