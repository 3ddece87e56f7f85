using System.Diagnostics;

namespace SharpTrace.Tests.Cli;

/// <summary>
/// <c>sharptrace --fmt</c> run as a command, as the newest bpftrace's: parse only, the formatted script on stdout or
/// written over <c>-o FILE</c> through a temporary file, a syntax error reported with exit status 1.
/// </summary>
public sealed class FormatOptionTests : IDisposable
{
    private const string Script = "BEGIN{@x=1; // one\nprintf(\"%d\\n\",@x)}\n";
    private const string Formatted = "BEGIN\n{\n  @x = 1;\n  // one\n  printf(\"%d\\n\", @x)\n}\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("sharptrace-fmt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "SharpTrace.Cli"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "sharptrace --fmt did not end");
        return (process.ExitCode, stdout.Result, stderr);
    }

    private string WriteScript(string text)
    {
        var path = Path.Combine(_directory, "script.bt");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void FmtPrintsTheFormattedScript() =>
        Assert.Equal((0, Formatted, ""), Run("--fmt", "-e", Script));

    [Fact]
    public void ModeFormatIsFmtForAScriptFile() =>
        Assert.Equal((0, Formatted, ""), Run("--mode", "format", WriteScript(Script)));

    [Fact]
    public void OutputFileIsReplacedWithNothingLeftBeside()
    {
        var script = WriteScript(Script);
        var output = Path.Combine(_directory, "out.bt");
        File.WriteAllText(output, "old text, longer than the formatted script will be ............................");
        Assert.Equal((0, "", ""), Run("--fmt", script, "-o", output));
        Assert.Equal(Formatted, File.ReadAllText(output));
        Assert.Equal(["out.bt", "script.bt"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ScriptCanBeFormattedInPlace()
    {
        var script = WriteScript(Script);
        Assert.Equal((0, "", ""), Run("--fmt", script, "-o", script));
        Assert.Equal(Formatted, File.ReadAllText(script));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void SyntaxErrorIsReportedWithExitStatusOneAndNoOutput()
    {
        var script = WriteScript("BEGIN { @x = ; }\n");
        var output = Path.Combine(_directory, "out.bt");
        var result = Run("--fmt", script, "-o", output);
        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.Contains($"{script}:1:", result.Stderr);
        Assert.Contains("ERROR: syntax error", result.Stderr);
        Assert.False(File.Exists(output));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void AnOutputFileInAMissingDirectoryFailsInOneLine()
    {
        var result = Run("--fmt", "-e", Script, "-o", Path.Combine(_directory, "no", "out.bt"));
        Assert.Equal(1, result.ExitCode);
        Assert.Matches("^ERROR: unable to create temporary file: [^\n]+\n$", result.Stderr);
    }
}
