using System.Diagnostics;

namespace SharpTrace.KernelTests.Support;

/// <summary>How a test ends a test program that runs until its stdin closes.</summary>
public static class TestProgramEnd
{
    /// <summary>
    /// Closes the program's stdin (its signal to finish) and waits for it to exit, at most
    /// <see cref="TracerProcess.DefaultTimeout"/>; kills it if it has not by then.
    /// </summary>
    public static async Task CloseStdinAndWaitAsync(this Process program)
    {
        program.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TracerProcess.DefaultTimeout);
        try
        {
            await program.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            program.Kill();
        }
    }
}
