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

    // The options of bpftrace 0.17's `bpftrace --help` (run here) and of the newest bpftrace's usage() and long options.
    [Fact]
    public void HelpListsEveryOptionOfBpftrace017AndTheNewest() =>
        Assert.Superset(new HashSet<string>
        {
            "-B", "-f", "-o", "-e", "-h", "--help", "-I", "--include", "-l", "-p", "-c", "--usdt-file-activation", "--unsafe", "-q",
            "--info", "-k", "-kk", "-V", "--version", "--no-warnings", "-v", "-d", "-dd", "--emit-elf", "--emit-llvm",
            "--list", "--verbose", "--pid", "--cmd", "--dwarf-pid", "--output", "--quiet", "--warnings", "--debuginfo",
            "--traceable-functions", "--no-feature", "--mode", "--test", "--bench", "--probe-filter", "--fmt", "--dry-run",
            "--verify-llvm-ir", "--debug", "-b", "--btf", "--aot",
        }, HelpOptions().ToHashSet());

    [Fact]
    public void EveryOptionTheCommandTakesIsInTheHelp()
    {
        var help = HelpOptions().ToHashSet();
        var taken = new CommandLineOptions().Root.Options.SelectMany(o => o.Aliases.Append(o.Name)).Where(a => a.StartsWith('-') && a != "-?");
        Assert.All(taken, option => Assert.Contains(option, help));
    }

    [Fact]
    public void HelpHasBpftracesSectionsInOrder()
    {
        var help = HelpText();
        string[] sections = ["USAGE:", "OPTIONS:", "DEVELOPER OPTIONS:", "TROUBLESHOOTING OPTIONS:", "ENVIRONMENT:", "EXAMPLES:"];
        var positions = sections.Select(s => help.IndexOf("\n" + s + "\n", StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0, help));
        Assert.Equal(positions.Order(), positions);
        var usage = Section(help, "USAGE");
        Assert.Contains("    sharptrace [options] filename", usage);
        Assert.Contains("    sharptrace [options] - <stdin input>", usage);
        Assert.Contains("    sharptrace [options] -e 'program'", usage);
    }

    [Fact]
    public void AnOptionTheHelpTextDoesNotNameYetGetsALineFromItsDescription()
    {
        var root = new CommandLineOptions().Root;
        root.Options.Add(new Option<string?>("--some-new-option") { Description = "does something new", HelpName = "file" });
        var output = new StringWriter();
        root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });
        var help = output.ToString();
        var line = help.IndexOf("\n    --some-new-option FILE\n                   does something new\n", StringComparison.Ordinal);
        Assert.True(line > 0, help);
        Assert.True(line < help.IndexOf("\nDEVELOPER OPTIONS:", StringComparison.Ordinal));
    }

    [Fact]
    public void HelpNamesEveryDebugStage() =>
        Assert.All(CommandLineOptions.DebugStageNames, stage => Assert.Contains($"'{stage}'", Section(HelpText(), "TROUBLESHOOTING OPTIONS")));

    /// <summary>Every environment variable sharptrace reads: each config variable, 0.17's older names, and the others.</summary>
    private static IEnumerable<string> EnvironmentVariables() =>
        SharpTrace.Semantics.ConfigVariables.Names.Select(n => "BPFTRACE_" + n.ToUpperInvariant())
            .Concat(["BPFTRACE_STRLEN", "BPFTRACE_MAP_KEYS_MAX", "BPFTRACE_CAT_BYTES_MAX", "__BPFTRACE_NOTIFY_PROBES_ATTACHED", "PATH", "TZ"]);

    [Fact]
    public void HelpEnvironmentSectionListsEveryVariable()
    {
        var environment = Section(HelpText(), "ENVIRONMENT");
        Assert.All(EnvironmentVariables(), variable => Assert.Matches($@"(?<![\w]){Regex.Escape(variable)}(?![\w])", environment));
    }

    [Fact]
    public void ManPageEnvironmentSectionListsEveryVariable()
    {
        var manPage = RepositoryFile("docs/sharptrace.1").Replace("\\-", "-", StringComparison.Ordinal);
        var start = manPage.IndexOf(".SH ENVIRONMENT", StringComparison.Ordinal);
        Assert.True(start >= 0);
        var end = manPage.IndexOf(".SH ", start + 1, StringComparison.Ordinal);
        var environment = manPage[start..end];
        Assert.All(EnvironmentVariables(), variable => Assert.Matches($@"(?m)^\.(TP|B|BR) .*(?<![\w]){Regex.Escape(variable)}(?![\w])|\\fB{Regex.Escape(variable)}\\fR", environment));
    }

    [Fact]
    public void ManPageSaysIncludeReadsDefines() =>
        Assert.DoesNotContain("C definitions are not read", RepositoryFile("docs/sharptrace.1"));

    [Fact]
    public void EveryHelpExampleIsACommandLineSharptraceAccepts()
    {
        var examples = Section(HelpText(), "EXAMPLES").Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("sharptrace ", StringComparison.Ordinal)).ToList();
        Assert.True(examples.Count >= 5);
        Assert.All(examples, example =>
        {
            var options = new CommandLineOptions().Parse(SplitExample(example), out _, out var error);
            Assert.True(options is not null, $"{example}: {error}");
            // This kernel has no kprobes: examples use tracepoints, profile and uprobes.
            Assert.DoesNotContain("kprobe", example);
        });
    }

    /// <summary>The words of an example as a POSIX shell splits them (single quotes only, as the examples use).</summary>
    internal static string[] SplitExample(string line)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line.SkipWhile(c => c != ' '))
        {
            if (c == '\'' )
                (quoted, any) = (!quoted, true);
            else if (c == ' ' && !quoted)
            {
                if (any)
                    words.Add(word.ToString());
                (word, any) = (new System.Text.StringBuilder(), false);
            }
            else
                (_, any) = (word.Append(c), true);
        }
        if (any)
            words.Add(word.ToString());
        return words.ToArray();
    }

    /// <summary>A section of the help text: from its heading to the next heading (a line that starts with a capital).</summary>
    private static string Section(string help, string name)
    {
        var start = help.IndexOf("\n" + name + ":\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {name} section");
        var end = Regex.Match(help[(start + name.Length + 3)..], "(?m)^[A-Z]");
        return end.Success ? help.Substring(start, name.Length + 3 + end.Index) : help[start..];
    }

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

    // An option as --help prints it at the start of a line: "    -e 'program'", "    -V, --version".
    [GeneratedRegex(@"(?m)(?:^    |, )(-{1,2}[A-Za-z?][A-Za-z-]*)")]
    private static partial Regex OptionName();
}
