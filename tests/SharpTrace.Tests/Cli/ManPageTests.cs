using System.CommandLine;
using System.Text.RegularExpressions;
using SharpTrace.Cli;

namespace SharpTrace.Tests.Cli;

/// <summary>docs/sharptrace.1 and docs/cli.md describe the options --help lists.</summary>
public sealed partial class ManPageTests
{
    private static string HelpText()
    {
        var output = new StringWriter();
        new CommandLineOptions().Root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });
        return output.ToString();
    }

    private static IReadOnlyList<string> HelpOptions() =>
        OptionName().Matches(HelpText()).Select(m => m.Groups[1].Value).Distinct().ToList();

    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SharpTrace.slnx")))
                return File.ReadAllText(Path.Combine(dir.FullName, relative));
        throw new InvalidOperationException("no SharpTrace.slnx above the test assembly");
    }

    [Fact]
    public void HelpListsTheBpftraceOptions() =>
        Assert.Superset(new HashSet<string> { "-e", "-l", "-f", "-o", "-B", "-q", "-v", "-d", "--dry-run", "-p", "-c", "-I", "--include",
            "-k", "-kk", "--unsafe", "--info", "--no-warnings", "--no-print-maps", "-V", "--version", "-h", "--help" }, HelpOptions().ToHashSet());

    [Fact]
    public void EveryHelpOptionIsInTheManPage()
    {
        // roff writes a hyphen as \- so that it is not a typographic dash.
        var manPage = RepositoryFile("docs/sharptrace.1").Replace("\\-", "-", StringComparison.Ordinal);
        Assert.All(HelpOptions(), option => Assert.Matches($@"(?m)^\.(TP|B|BI|BR) .*(?<![\w-]){Regex.Escape(option)}(?![\w-])", manPage));
    }

    [Fact]
    public void EveryHelpOptionIsInTheCliTable()
    {
        var table = RepositoryFile("docs/cli.md");
        Assert.All(HelpOptions().Where(o => o != "-?"), option => Assert.Contains($"`{option}", table));
    }

    // An option as --help prints it at the start of a line: "  -e <program>", "  -V, --version".
    [GeneratedRegex(@"(?m)(?:^  |, )(-{1,2}[A-Za-z?][A-Za-z-]*)")]
    private static partial Regex OptionName();
}
