using System.Diagnostics;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Packaging;

/// <summary>The CLI packed as a .NET tool, installed from a local folder, runs like the built binary.</summary>
[Trait("Category", "Kernel")]
public sealed class ToolPackageTests : KernelTest, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("sharptrace-tool-");

    [Fact]
    public async Task PackedToolInstallsFromALocalFolderAndRunsABeginScript()
    {
        var packages = Path.Combine(_temp.FullName, "packages");
        var tools = Path.Combine(_temp.FullName, "tools");
        // Packs what the tests were built against (same configuration), without building again.
        await DotnetAsync("pack", Path.Combine(Repository.Root, "src", "SharpTrace.Cli", "SharpTrace.Cli.csproj"),
            "-c", BuildConfiguration(), "--no-build", "-o", packages);
        // Only the local folder as a source: the install must not need the network.
        var config = Path.Combine(_temp.FullName, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        await DotnetAsync("tool", "install", "--tool-path", tools, "--configfile", config, "SharpTrace.Cli");
        var sharptrace = Path.Combine(tools, "sharptrace");

        var version = await RunToolAsync(sharptrace, ["-V"]);
        var begin = await RunToolAsync(sharptrace, ["-e", """BEGIN { printf("hello %d\n", 42); exit(); }"""]);

        Assert.Equal((0, $"sharptrace v{TraceScript.Version}\n"), (version.ExitCode, version.Stdout));
        Assert.Equal((0, "hello 42\n"), (begin.ExitCode, begin.Stdout));
        Assert.Contains("Attached 1 probe", begin.Stderr);
    }

    public void Dispose() => _temp.Delete(recursive: true);

    private static async Task<RunResult> RunToolAsync(string path, string[] args)
    {
        using var tool = new TracerProcess("sharptrace (tool)", path, args, null, stdout => stdout, stderr => stderr);
        return await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
    }

    private static async Task DotnetAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {Bound}.");
        }
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed:\n{await stdout}\n{await stderr}");
    }

    // The test assembly lives in tests/SharpTrace.KernelTests/bin/<configuration>/net10.0/.
    private static string BuildConfiguration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
