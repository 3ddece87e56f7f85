using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SharpTrace.Cli;

/// <summary>
/// <c>-c CMD</c>: the command is started before compiling, so its pid is known as <c>cpid</c>, but held until every
/// probe is attached: a shell waits on a FIFO, then execs the command (same pid). The trace ends when the command
/// exits; a command still running when the trace ends gets SIGTERM, as with bpftrace.
/// </summary>
internal sealed partial class ChildCommand : IDisposable
{
    private readonly Process _process;
    private readonly string _fifo;
    private bool _released;

    private ChildCommand(Process process, string fifo)
    {
        _process = process;
        _fifo = fifo;
    }

    /// <summary>The command's process id, the value of <c>cpid</c>.</summary>
    public int Pid => _process.Id;

    /// <summary>Completes when the command has exited.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Starts <paramref name="command"/> held before it runs. The command line is split into words as a shell does.</summary>
    public static ChildCommand Start(string command)
    {
        var fifo = Path.Combine(Path.GetTempPath(), $"sharptrace-{Environment.ProcessId}-{Guid.NewGuid():N}");
        if (MakeFifo(fifo, 0x180 /* 0600 */) != 0)
            throw new IOException($"cannot create {fifo} to hold the -c command (errno {Marshal.GetLastPInvokeError()})");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // "$0" is the FIFO, "$1" the command: wait for the go-ahead, then replace the shell by the command.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("read -r _ < \"$0\" && rm -f \"$0\" && eval \"exec $1\"");
        start.ArgumentList.Add(fifo);
        start.ArgumentList.Add(command);
        try
        {
            return new ChildCommand(Process.Start(start) ?? throw new IOException("cannot start /bin/sh for -c"), fifo);
        }
        catch
        {
            File.Delete(fifo);
            throw;
        }
    }

    /// <summary>Lets the command run (once the probes are attached).</summary>
    public void Release()
    {
        if (_released || _process.HasExited)
            return;
        _released = true;
        // Opening a FIFO for writing blocks until a reader opens it, and the command might die first: open without
        // blocking, and retry while the shell has not reached its read yet.
        var deadline = Environment.TickCount64 + 5000;
        while (!_process.HasExited && Environment.TickCount64 < deadline)
        {
            var fd = Open(_fifo, 0x801 /* O_WRONLY | O_NONBLOCK */);
            if (fd >= 0)
            {
                Write(fd, [(byte)'\n'], 1);
                Close(fd);
                return;
            }
            Thread.Sleep(5);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill(_process.Id, 15 /* SIGTERM */);
            _process.WaitForExit(1000);
        }
        _process.Dispose();
        File.Delete(_fifo);
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "write")]
    private static partial nint Write(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
