using System.Runtime.InteropServices;

namespace SharpTrace.Cli;

/// <summary>The two signal calls the command line makes itself, declared once.</summary>
internal static partial class Signals
{
    /// <summary>Restores a signal's default action (SIG_DFL).</summary>
    public static void ResetToDefault(int signal) => _ = SetHandler(signal, 0 /* SIG_DFL */);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "kill")]
    public static partial int Send(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetHandler(int signal, nint handler);
}
