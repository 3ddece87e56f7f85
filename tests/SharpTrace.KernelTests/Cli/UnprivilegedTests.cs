using System.Diagnostics;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary>
/// What loads nothing runs without root: <c>-d</c>, <c>-l</c> of uprobes and <c>--info</c>, run as the user nobody
/// (setpriv). A run and <c>--dry-run</c> load programs and say that they need root.
/// </summary>
[Trait("Category", "Kernel")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnprivilegedTests : KernelTest, IDisposable
{
    // A copy of the binary's folder that nobody may read and run (the build folder may sit under a private home).
    private readonly string _folder = Directory.CreateTempSubdirectory("sharptrace-nobody-").FullName;

    public UnprivilegedTests()
    {
        var built = Path.GetDirectoryName(SharpTraceRun.BinaryPath)!;
        foreach (var file in Directory.EnumerateFiles(built))
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        File.Copy(TestPrograms.PathOf("probe_args"), Path.Combine(_folder, "probe_args"));
        foreach (var path in Directory.EnumerateFiles(_folder).Append(_folder))
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<RunResult> RunAsNobodyAsync(params string[] args)
    {
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", Path.Combine(_folder, "sharptrace"), .. args])
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_HOME"] = _folder;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TracerProcess.DefaultTimeout);
        return new RunResult(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task DebugStagesListingAndInfoNeedNoRoot()
    {
        var ast = await RunAsNobodyAsync("-d", "ast", "-e", "BEGIN { @a = 1; }");
        Assert.Equal((0, ""), (ast.ExitCode, ast.Stderr));
        Assert.Contains("Map @a", ast.Stdout);

        // kernel BTF is readable by everyone: curtask's type is known.
        var types = await RunAsNobodyAsync("-d", "types", "-e", "BEGIN { @a = curtask->pid; }");
        Assert.Equal((0, ""), (types.ExitCode, types.Stderr));
        Assert.Contains("struct task_struct *", types.Stdout);

        var bpf = await RunAsNobodyAsync("-d", "bpf", "-e", "BEGIN { @a = 1; }");
        Assert.Equal((0, ""), (bpf.ExitCode, bpf.Stderr));
        Assert.Contains("exit", bpf.Stdout);

        var info = await RunAsNobodyAsync("--info");
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("watchpoint", info.Stdout);

        var program = Path.Combine(_folder, "probe_args");
        var list = await RunAsNobodyAsync("-l", $"uprobe:{program}:*");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains($"uprobe:{program}:main", list.Stdout);
    }

    [Theory]
    [InlineData("--dry-run")]
    [InlineData("-q")]
    public async Task RunsAndDryRunsSayTheyNeedRoot(string option)
    {
        var result = await RunAsNobodyAsync(option, "-e", "BEGIN { @a = 1; exit(); }");
        Assert.Equal(new RunResult(1, "", "ERROR: sharptrace must run as root: loading BPF programs needs CAP_BPF and CAP_PERFMON\n"), result);
    }
}
