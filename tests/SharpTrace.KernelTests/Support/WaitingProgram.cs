using System.Diagnostics;

namespace SharpTrace.KernelTests.Support;

/// <summary>
/// A test program that prints one line (addresses, usually) and then waits for a line on its stdin before it does what
/// the test traces and exits: the test attaches in between.
/// </summary>
public sealed class WaitingProgram : IDisposable
{
    private readonly Process _process;

    public WaitingProgram(string binary)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + binary);
        FirstLine = (_process.StandardOutput.ReadLine() ?? throw new InvalidOperationException(Path.GetFileName(binary) + " printed nothing")).Trim();
    }

    public int Pid => _process.Id;

    /// <summary>The line the program printed first, trimmed.</summary>
    public string FirstLine { get; }

    /// <summary>Lets the program go on, then waits (bounded) for it to exit with status 0.</summary>
    public async Task GoAndExitAsync()
    {
        await _process.StandardInput.WriteLineAsync("go");
        await _process.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(TracerProcess.DefaultTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, _process.ExitCode);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
    }
}
