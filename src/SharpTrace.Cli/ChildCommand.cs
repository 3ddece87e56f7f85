using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SharpTrace.Cli;

/// <summary>
/// <c>-c CMD</c>: the command is started before compiling, so its pid is known as <c>cpid</c>, but held until every
/// probe is attached: a stub shell waits on a FIFO, then execs the program with the command's words (same pid). The
/// trace ends when the command exits; a command still running when the trace ends gets SIGTERM, as with bpftrace.
/// </summary>
internal sealed partial class ChildCommand : IDisposable
{
    private readonly Process _process;
    private readonly string _fifo;
    // The FIFO's write end, open once the stub shell has opened its read end; -1 before, and once released.
    private int _writer = -1;

    private ChildCommand(Process process, string fifo)
    {
        _process = process;
        _fifo = fifo;
    }

    /// <summary>The command's process id, the value of <c>cpid</c>.</summary>
    public int Pid => _process.Id;

    /// <summary>Completes when the command has exited.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>
    /// Starts <paramref name="command"/> held before it runs. As bpftrace does, the command line is split at spaces into
    /// words that are passed as they are (no shell: no quoting, expansion or substitution), and the first word names
    /// the program, found on PATH unless it has a slash. A program that does not exist fails here, before anything is
    /// compiled or attached. The command gets SIGTERM if sharptrace dies first (PR_SET_PDEATHSIG, through setpriv).
    /// </summary>
    public static ChildCommand Start(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            throw new ChildCommandException("Failed to fork child: Empty command");
        words[0] = ResolveProgram(words[0]);
        var fifo = Path.Combine(Path.GetTempPath(), $"sharptrace-{Environment.ProcessId}-{Guid.NewGuid():N}");
        if (MakeFifo(fifo, 0x180 /* 0600 */) != 0)
            throw new IOException($"cannot create {fifo} to hold the -c command (errno {Marshal.GetLastPInvokeError()})");
        var start = new ProcessStartInfo(File.Exists(SetPriv) ? SetPriv : "/bin/sh") { UseShellExecute = false };
        if (File.Exists(SetPriv))
        {
            foreach (var argument in (string[])["--pdeathsig", "TERM", "--", "/bin/sh"])
                start.ArgumentList.Add(argument);
        }
        // "$0" is the FIFO, "$@" the command's words: wait for the go-ahead, then replace the shell by the program.
        // "$@" hands the words over literally; the shell interprets none of them.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("read -r _ < \"$0\" && rm -f \"$0\" && exec \"$@\"");
        start.ArgumentList.Add(fifo);
        foreach (var word in words)
            start.ArgumentList.Add(word);
        try
        {
            var child = new ChildCommand(Process.Start(start) ?? throw new IOException("cannot start /bin/sh for -c"), fifo);
            child.WaitUntilHeld();
            return child;
        }
        catch
        {
            File.Delete(fifo);
            throw;
        }
    }

    private const string SetPriv = "/usr/bin/setpriv";

    /// <summary>The program a command's first word names, as an absolute path; bpftrace's error when there is none or several.</summary>
    private static string ResolveProgram(string name)
    {
        IEnumerable<string> candidates = name.Contains('/')
            ? [name]
            : (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
                .Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, name));
        var found = candidates.Where(IsExecutableFile).Select(Path.GetFullPath).ToList();
        if (found.Count == 0)
            throw new ChildCommandException($"Failed to fork child: Path '{name}' does not exist or is not executable");
        // /bin is often a link to /usr/bin: the same program found twice is one program.
        var distinct = found.Select(RealPath).Distinct(StringComparer.Ordinal).Count();
        if (distinct > 1)
            throw new ChildCommandException($"Failed to fork child: Path '{name}' must refer to a unique binary but matched {found.Count} binaries");
        return found[0];
    }

    private static bool IsExecutableFile(string path) => File.Exists(path) && Access(path, 1 /* X_OK */) == 0;

    private static string RealPath(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName is { } target
        ? RealPath(target)
        : Path.Combine(RealDirectory(Path.GetDirectoryName(path)!), Path.GetFileName(path));

    private static string RealDirectory(string directory) =>
        new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? directory;

    /// <summary>
    /// Waits (at most 5 s) until the stub shell has opened the FIFO to read the go-ahead, and keeps the write end. Its
    /// own start-up system calls (a getpid among them) are then behind it, so probes attached afterwards see only
    /// the command's (a probe filtered on <c>cpid</c> counted one call too many when it attached during them).
    /// Opening a FIFO for writing blocks until a reader opens it, and the shell might die first: open without
    /// blocking, and retry while the shell has not reached its read yet.
    /// </summary>
    private void WaitUntilHeld()
    {
        var deadline = Environment.TickCount64 + 5000;
        while (_writer < 0 && !_process.HasExited && Environment.TickCount64 < deadline)
        {
            _writer = Open(_fifo, 0x801 /* O_WRONLY | O_NONBLOCK */);
            if (_writer < 0)
                Thread.Sleep(1);
        }
    }

    /// <summary>Lets the command run (once the probes are attached).</summary>
    public void Release()
    {
        if (_writer < 0)
            return;
        if (!_process.HasExited)
            Write(_writer, [(byte)'\n'], 1);
        Close(_writer);
        _writer = -1;
    }

    public void Dispose()
    {
        if (_writer >= 0)
        {
            Close(_writer);
            _writer = -1;
        }
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, 15 /* SIGTERM */);
            _process.WaitForExit(1000);
        }
        _process.Dispose();
        File.Delete(_fifo);
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "write")]
    private static partial nint Write(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

/// <summary>A <c>-c</c> command that cannot be started; the message is bpftrace's.</summary>
internal sealed class ChildCommandException(string message) : Exception(message);
