using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SharpTrace.Cli;

/// <summary>
/// stdin, stdout and stderr as a Unix tool expects them: a closed stdout or stderr writes nowhere, a failing stderr (<c>2&gt;/dev/full</c>) loses its lines without ending the trace, and a reader that went
/// away (<c>| head -2</c>) ends the trace the way it ends bpftrace: killed by SIGPIPE, after every probe is detached.
/// </summary>
internal static partial class StandardStreams
{
    private const int Epipe = 32;
    private const int SigPipe = 13;

    /// <summary>
    /// Whether the descriptor was closed when sharptrace started. The .NET runtime opens its own files before Main, with
    /// close-on-exec, and takes the lowest free numbers: a standard descriptor that has close-on-exec set is one of those
    /// (an inherited stdin, stdout or stderr never has it), so reading or writing it would touch the runtime's file.
    /// </summary>
    public static bool WasClosedAtStart(int fd) => Fcntl(fd, 1 /* F_GETFD */) is var flags && (flags == -1 || (flags & 1 /* FD_CLOEXEC */) != 0);

    /// <summary>A closed stdout or stderr writes nowhere, as a C program's would: the trace still runs.</summary>
    public static void Prepare()
    {
        if (WasClosedAtStart(1))
            Console.SetOut(TextWriter.Null);
        Console.SetError(WasClosedAtStart(2) ? TextWriter.Null : TextWriter.Synchronized(new Tolerant(Console.Error)));
    }

    /// <summary>
    /// stdout. A pipe or socket is written through a stream that reports EPIPE (the console stream hides it, so a trace
    /// would never notice its reader left); a file through the console stream, which moves the file offset it shares
    /// with the shell (a FileStream would write at offsets of its own).
    /// </summary>
    public static Stream OpenStdout()
    {
        if (WasClosedAtStart(1))
            return Stream.Null;
        var stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        if (!stream.CanSeek)
            return stream;
        stream.Dispose();
        return Console.OpenStandardOutput();
    }

    /// <summary>Whether writing failed because the reading end of a pipe was closed.</summary>
    public static bool IsBrokenPipe(IOException e) => e.HResult == Epipe || e.Message.Contains("Broken pipe", StringComparison.Ordinal);

    /// <summary>Ends the process by SIGPIPE, as a tool that does not handle it dies (exit status 141 in a shell).</summary>
    public static int DieOfBrokenPipe()
    {
        Signals.ResetToDefault(SigPipe);
        _ = Signals.Send(Environment.ProcessId, SigPipe);
        return 128 + SigPipe; // not reached: the signal ends the process
    }

    private sealed class Tolerant(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => Try(() => inner.Write(value));

        public override void Write(string? value) => Try(() => inner.Write(value));

        public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));

        public override void Flush() => Try(inner.Flush);

        private static void Try(Action write)
        {
            try
            {
                write();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a full, broken or closed stderr (EBADF surfaces as UnauthorizedAccessException): the line is lost,
                // the trace goes on
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int Fcntl(int fd, int command);
}
