namespace SharpTrace.KernelTests.Support;

/// <summary>Runs the reference bpftrace (0.17, /usr/bin/bpftrace) as a child process.</summary>
/// <remarks>
/// bpftrace 0.17 honours __BPFTRACE_NOTIFY_PROBES_ATTACHED but writes the line to stderr, after
/// attaching every probe, so <see cref="TracerProcess.WaitForAttachedAsync"/> needs no settle delay.
/// Its stdout still ends with the exit section's two newlines even when no map is printed.
/// </remarks>
public static class BpftraceRun
{
    /// <summary>The reference bpftrace binary.</summary>
    public const string BinaryPath = "/usr/bin/bpftrace";

    /// <summary>Starts bpftrace with <paramref name="args"/>; the notify variable is always set.</summary>
    public static TracerProcess Start(string[] args, IReadOnlyDictionary<string, string>? environment = null) =>
        new("bpftrace", BinaryPath, args, environment, DropAttachingLine, DropMemlockWarning);

    /// <summary>Runs bpftrace to its exit, bounded by <see cref="TracerProcess.DefaultTimeout"/>.</summary>
    public static async Task<RunResult> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var tool = Start(args, environment);
        return await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
    }

    // "Attaching N probes..." is bpftrace's first stdout line; sharptrace writes its
    // "Attached N probes" to stderr instead, so stdout can be compared byte for byte.
    private static string DropAttachingLine(string stdout)
    {
        var first = stdout.IndexOf('\n');
        return first >= 0
            && stdout.StartsWith("Attaching ", StringComparison.Ordinal)
            && stdout[..first].EndsWith("...", StringComparison.Ordinal)
            ? stdout[(first + 1)..]
            : stdout;
    }

    // bpftrace 0.17 fails to raise RLIMIT_MEMLOCK on this kernel (which no longer needs it) and says so.
    private static string DropMemlockWarning(string stderr) =>
        TracerProcess.DropLines(stderr, line => line.Contains("couldn't set RLIMIT_MEMLOCK", StringComparison.Ordinal));
}
