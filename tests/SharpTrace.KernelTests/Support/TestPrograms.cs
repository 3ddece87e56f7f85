using System.Diagnostics;

namespace SharpTrace.KernelTests.Support;

/// <summary>The small C programs in tests/programs that kernel tests trace; test.sh builds them into tests/programs/out.</summary>
public static class TestPrograms
{
    /// <summary>The path of the built program <paramref name="name"/> (for example "opener").</summary>
    public static string PathOf(string name)
    {
        var path = Path.Combine(Repository.Root, "tests", "programs", "out", name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"Test program {path} is not built: ./test.sh compiles tests/programs/{name}.c into tests/programs/out/.");
    }

    /// <summary>
    /// Runs the program to its exit, bounded by <see cref="TracerProcess.DefaultTimeout"/>, and
    /// throws unless it exits with 0: a trigger that failed would make a test's expectation meaningless.
    /// </summary>
    public static async Task<RunResult> RunAsync(string name, params string[] args)
    {
        var start = new ProcessStartInfo(PathOf(name))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TracerProcess.DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Test program {name} did not exit within {TracerProcess.DefaultTimeout}.");
        }

        var result = new RunResult(process.ExitCode, await stdout, await stderr);
        return result.ExitCode == 0
            ? result
            : throw new InvalidOperationException($"Test program {name} failed: {result}");
    }

    /// <summary>
    /// Waits until <paramref name="tool"/> has attached, runs the program <paramref name="name"/> once per argument in
    /// <paramref name="arguments"/> (each run given that one argument), then waits for the tool's exit: the shape of a
    /// test that causes a known series of events and reads what the tool made of them.
    /// </summary>
    public static async Task<RunResult> RunWhileTracedAsync(TracerProcess tool, string name, params string[] arguments)
    {
        await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);
        foreach (var argument in arguments)
            await RunAsync(name, argument);
        return await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
    }

    /// <summary>
    /// Waits until <paramref name="tool"/> has attached, starts the program <paramref name="name"/> with
    /// <paramref name="arguments"/> and keeps it alive (its stdin open) until the tool has exited, then ends it: for
    /// values user space resolves against the live process (usym, ustack).
    /// </summary>
    public static async Task<RunResult> HoldWhileTracedAsync(TracerProcess tool, string name, params string[] arguments)
    {
        await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);
        var start = new ProcessStartInfo(PathOf(name)) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var program = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        try
        {
            return await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
        }
        finally
        {
            await program.CloseStdinAndWaitAsync();
        }
    }
}
