using System.Runtime.InteropServices;

namespace SharpTrace.Cli;

/// <summary>The signal calls the command line makes itself, declared once.</summary>
internal static partial class Signals
{
    /// <summary>Restores a signal's default action (SIG_DFL).</summary>
    public static void ResetToDefault(int signal) => _ = SetHandler(signal, 0 /* SIG_DFL */);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "kill")]
    public static partial int Send(int pid, int signal);

    /// <summary>
    /// Ends the process by <paramref name="signal"/>'s default action, as if no handler had been set: the shell sees
    /// it killed by the signal (status 128 + the signal), and the kernel releases every object it held.
    /// </summary>
    public static void DieOf(int signal)
    {
        ResetToDefault(signal);
        _ = Send(Environment.ProcessId, signal);
        // Not reached unless the signal is blocked in every thread.
        Environment.Exit(128 + signal);
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetHandler(int signal, nint handler);
}
