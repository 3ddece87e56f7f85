using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace SharpTrace.KernelTests.Support;

/// <summary>
/// A tracing tool (sharptrace or bpftrace) running as a child process, with stdout and stderr
/// captured as they arrive. Start one with <see cref="SharpTraceRun"/> or <see cref="BpftraceRun"/>.
/// </summary>
public sealed partial class TracerProcess : IDisposable
{
    /// <summary>The line both tools write once every probe is attached when the variable of the same name is set.</summary>
    public const string NotifyProbesAttached = "__BPFTRACE_NOTIFY_PROBES_ATTACHED";

    /// <summary>A bound long enough for a loaded machine, short enough that a hung test fails in CI.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private const int SIGINT = 2;
    private const int SIGTERM = 15;

    private readonly string _name;
    private readonly Process _process;
    private readonly Func<string, string> _cleanStdout;
    private readonly Func<string, string> _cleanStderr;
    private readonly Lock _lock = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _ended;

    internal TracerProcess(
        string name,
        string fileName,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment,
        Func<string, string> cleanStdout,
        Func<string, string> cleanStderr,
        string? workingDirectory = null)
    {
        _name = name;
        _cleanStdout = cleanStdout;
        _cleanStderr = cleanStderr;

        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment[NotifyProbesAttached] = "1";
        // An empty value unsets the variable, the notify variable included.
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value.Length == 0 ? null : value;

        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        // The tool must not wait on the test runner's stdin.
        _process.StandardInput.Close();

        _ended = Task.WhenAll(
            CaptureAsync(_process.StandardOutput, _stdout),
            CaptureAsync(_process.StandardError, _stderr),
            _process.WaitForExitAsync());
    }

    /// <summary>The tool's process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Completes when the tool reports that every probe is attached (the notify line on stdout or
    /// stderr, or sharptrace's "Attached N probes" on stderr). Throws, with the captured stderr,
    /// if the tool exits first or the timeout passes.
    /// </summary>
    public async Task WaitForAttachedAsync(TimeSpan timeout)
    {
        await Task.WhenAny(_attached.Task, _ended, Task.Delay(timeout));
        // A tool may attach and exit at once (BEGIN { exit(); }): attached wins over ended.
        if (_attached.Task.IsCompleted)
            return;
        if (_ended.IsCompleted)
            throw new InvalidOperationException(
                $"{_name} exited with code {_process.ExitCode} before its probes were attached.\n{Captured()}");
        throw new TimeoutException($"{_name} did not attach its probes within {timeout}.\n{Captured()}");
    }

    /// <summary>
    /// Completes once the tool's stdout holds <paramref name="text"/> (an event the test waits for before it acts);
    /// throws, with what was captured, if the tool exits first or the timeout passes.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_lock)
            {
                if (_stdout.ToString().Contains(text, StringComparison.Ordinal))
                    return;
            }
            if (_ended.IsCompleted)
                throw new InvalidOperationException($"{_name} exited before printing '{text}'.\n{Captured()}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{_name} did not print '{text}' within {timeout}.\n{Captured()}");
            await Task.Delay(10);
        }
    }

    /// <summary>Sends SIGINT, as Ctrl-C does.</summary>
    public void Interrupt() => Signal(SIGINT);

    /// <summary>Sends SIGTERM.</summary>
    public void Terminate() => Signal(SIGTERM);

    /// <summary>Sends SIGHUP, as closing the terminal does.</summary>
    public void Hangup() => Signal(1 /* SIGHUP */);

    /// <summary>Sends <paramref name="signal"/> (a Linux signal number, such as 10 for SIGUSR1) to the tool.</summary>
    public void SendSignal(int signal) => Signal(signal);

    /// <summary>Sends SIGKILL to the tool alone (its children are left to fend for themselves).</summary>
    public void KillAbruptly() => Signal(9 /* SIGKILL */);

    /// <summary>
    /// Waits for the tool to exit and for its output to end. On timeout kills it and throws with
    /// everything captured so far. The notify line is removed from the result.
    /// </summary>
    public async Task<RunResult> WaitForExitAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(_ended, Task.Delay(timeout)) != _ended)
        {
            Kill();
            throw new TimeoutException($"{_name} did not exit within {timeout}; killed it.\n{Captured()}");
        }
        await _ended;
        lock (_lock)
        {
            return new RunResult(
                _process.ExitCode,
                _cleanStdout(DropLines(_stdout.ToString(), line => line == NotifyProbesAttached)),
                _cleanStderr(DropLines(_stderr.ToString(), line => line == NotifyProbesAttached)));
        }
    }

    /// <summary>Kills the tool if a test left it running, so no probes outlive the test.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>Returns <paramref name="text"/> without the lines (and their newlines) that <paramref name="drop"/> selects.</summary>
    internal static string DropLines(string text, Func<string, bool> drop)
    {
        var kept = new StringBuilder(text.Length);
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            var next = newline < 0 ? text.Length : newline + 1;
            if (!drop(text[start..end]))
                kept.Append(text, start, next - start);
            start = next;
        }
        return kept.ToString();
    }

    private async Task CaptureAsync(StreamReader reader, StringBuilder output)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        int count;
        while ((count = await reader.ReadAsync(buffer)) > 0)
        {
            lock (_lock)
                output.Append(buffer, 0, count);
            for (var i = 0; i < count; i++)
            {
                if (buffer[i] != '\n')
                {
                    line.Append(buffer[i]);
                    continue;
                }
                if (IsAttachedLine(line.ToString(), output == _stderr))
                    _attached.TrySetResult();
                line.Clear();
            }
        }
    }

    private static bool IsAttachedLine(string line, bool onStderr) =>
        line == NotifyProbesAttached
        || (onStderr && line.StartsWith("Attached ", StringComparison.Ordinal)
            && (line.EndsWith(" probes", StringComparison.Ordinal) || line.EndsWith(" probe", StringComparison.Ordinal)));

    private string Captured()
    {
        lock (_lock)
            return $"--- stdout ---\n{_stdout}\n--- stderr ---\n{_stderr}";
    }

    private void Signal(int signal)
    {
        if (_process.HasExited)
            return;
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(DefaultTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
