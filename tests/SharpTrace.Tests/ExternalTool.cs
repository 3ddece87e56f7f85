using System.Diagnostics;

namespace SharpTrace.Tests;

/// <summary>Runs the machine's own tools (gcc, nm, readelf) whose output tests compare ours with.</summary>
internal static class ExternalTool
{
    /// <summary>The standard output of <paramref name="program"/> run with <paramref name="args"/>; throws with its stderr when it fails.</summary>
    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {error.Result}");
    }
}
