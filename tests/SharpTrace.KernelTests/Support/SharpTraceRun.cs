namespace SharpTrace.KernelTests.Support;

/// <summary>Runs the built <c>sharptrace</c> CLI as a child process.</summary>
public static class SharpTraceRun
{
    /// <summary>
    /// The sharptrace binary: $SHARPTRACE_BIN if set (test.sh sets it), else the most recently
    /// built of src/SharpTrace.Cli/bin/{Release,Debug}/net10.0/sharptrace.
    /// </summary>
    public static string BinaryPath
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("SHARPTRACE_BIN");
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return File.Exists(fromEnvironment)
                    ? fromEnvironment
                    : throw new FileNotFoundException($"SHARPTRACE_BIN names {fromEnvironment}, which does not exist.");
            }

            // The apphost keeps its timestamp across builds; the two assemblies beside it do not.
            var newest = new[] { "Release", "Debug" }
                .Select(config => Path.Combine(Repository.Root, "src", "SharpTrace.Cli", "bin", config, "net10.0"))
                .Where(dir => File.Exists(Path.Combine(dir, "sharptrace")))
                .OrderByDescending(dir => new[] { "SharpTrace.Cli.dll", "SharpTrace.dll" }
                    .Select(file => File.GetLastWriteTimeUtc(Path.Combine(dir, file)))
                    .Max())
                .FirstOrDefault();
            return newest is not null
                ? Path.Combine(newest, "sharptrace")
                : throw new FileNotFoundException(
                    "sharptrace is not built: run ./test.sh, or dotnet build SharpTrace.slnx, or set SHARPTRACE_BIN.");
        }
    }

    /// <summary>Starts sharptrace with <paramref name="args"/> (in <paramref name="workingDirectory"/>, or the tests'); the notify variable is always set.</summary>
    public static TracerProcess Start(string[] args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        new("sharptrace", BinaryPath, args, environment, stdout => stdout, stderr => stderr, workingDirectory);

    /// <summary>Runs sharptrace to its exit, bounded by <see cref="TracerProcess.DefaultTimeout"/>.</summary>
    public static async Task<RunResult> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        using var tool = Start(args, environment, workingDirectory);
        return await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
    }
}
