using System.Diagnostics;

namespace SharpTrace.KernelTests.Support;

/// <summary>Runs a program the tests compare with (gcc, nm, readelf, addr2line, objcopy…) to its end.</summary>
public static class ExternalTool
{
    /// <summary>The program's standard output; throws with its standard error unless it exits with 0.</summary>
    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} failed: {error.Result}");
    }
}
