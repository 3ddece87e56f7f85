using SharpTrace.Syntax;

namespace SharpTrace.Tests.Syntax;

/// <summary>parse(unparse(parse(s))) has the same structure as parse(s), over real scripts.</summary>
public class RoundTripTests
{
    // Where Debian's bpftrace package puts its tools (`dpkg -L bpftrace | grep '\.bt$'`), and where upstream does.
    private static readonly string[] ToolsDirectories = ["/usr/sbin", "/usr/share/bpftrace/tools"];

    private static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Syntax", "Corpus");

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusDirectory, "*.bt").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>The scripts bpftrace's package installs, by full path.</summary>
    public static TheoryData<string> InstalledTools()
    {
        var data = new TheoryData<string>();
        foreach (var directory in ToolsDirectories.Where(Directory.Exists))
            foreach (var file in Directory.GetFiles(directory, "*.bt").Order())
                data.Add(file);
        if (data.Count == 0)
            data.Add("");
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusScriptParsesWithoutErrorsAndRoundTrips(string file) =>
        AssertParsesAndRoundTrips(File.ReadAllText(Path.Combine(CorpusDirectory, file)), file);

    [Theory]
    [MemberData(nameof(InstalledTools))]
    public void InstalledBpftraceToolParsesWithoutErrorsAndRoundTrips(string file)
    {
        if (file.Length == 0)
        {
            Console.WriteLine($"skipped: no *.bt in {string.Join(" or ", ToolsDirectories)} (is the bpftrace package installed?)");
            return;
        }
        AssertParsesAndRoundTrips(File.ReadAllText(file), file);
    }

    /// <summary>Every script of the corpus: a whole file, or each part of a file split on "// ---" lines.</summary>
    private static IEnumerable<(string Name, string Text)> CorpusScripts()
    {
        foreach (var file in Directory.GetFiles(CorpusDirectory, "*.bt").Order())
        {
            var text = File.ReadAllText(file);
            var parts = text.Split("\n// ---\n");
            if (parts.Length == 1)
                yield return (Path.GetFileName(file), text);
            else
                for (var i = 1; i < parts.Length; i++)
                    yield return ($"{Path.GetFileName(file)}#{i}", parts[i]);
        }
    }

    public static TheoryData<string> CorpusScriptNames()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in CorpusScripts())
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusScriptNames))]
    public void EachCorpusScriptParsesWithoutErrorsAndRoundTrips(string name) =>
        AssertParsesAndRoundTrips(CorpusScripts().Single(s => s.Name == name).Text, name);

    [Fact]
    public void CorpusHasAtLeast150Scripts() => Assert.True(CorpusScripts().Count() >= 150, $"{CorpusScripts().Count()} scripts");

    internal static void AssertParsesAndRoundTrips(string text, string name)
    {
        var tree = SyntaxTree.Parse(new SourceText(text, name));
        Assert.True(tree.Diagnostics.Count == 0, string.Concat(tree.Diagnostics.Select(d => d.Format())));
        Assert.NotEmpty(tree.Root.Probes);

        var unparsed = Unparser.Unparse(tree.Root);
        var reparsed = SyntaxTree.Parse(new SourceText(unparsed, name + " (unparsed)"));
        Assert.True(reparsed.Diagnostics.Count == 0, unparsed + "\n" + string.Concat(reparsed.Diagnostics.Select(d => d.Format())));
        Assert.Equal(AstPrinter.Print(tree.Root), AstPrinter.Print(reparsed.Root));
        // Unparsing is a fixed point after one round.
        Assert.Equal(unparsed, Unparser.Unparse(reparsed.Root));
    }
}
