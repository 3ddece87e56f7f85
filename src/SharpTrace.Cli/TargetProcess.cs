namespace SharpTrace.Cli;

/// <summary>
/// The process <c>-p</c> names. A process that has exited stays in /proc as a zombie until its parent reaps it, which
/// may be never: it runs nothing more, so tracing it would wait forever. bpftrace ends as soon as it has exited.
/// </summary>
internal static class TargetProcess
{
    /// <summary>Null when <paramref name="pid"/> can be traced, else why not.</summary>
    public static string? Check(int pid) => State(pid) switch
    {
        null => $"-p {pid}: no such process",
        'Z' or 'X' => $"-p {pid}: the process has exited (a zombie its parent has not reaped): there is nothing to trace",
        _ => null,
    };

    /// <summary>True while <paramref name="pid"/> exists and has not exited.</summary>
    public static bool IsRunning(int pid) => State(pid) is { } state && state is not ('Z' or 'X');

    // The state letter of /proc/PID/stat, after the command name in parentheses (which may hold spaces and ')').
    private static char? State(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var end = stat.LastIndexOf(')');
        return end >= 0 && end + 2 < stat.Length ? stat[end + 2] : null;
    }
}
