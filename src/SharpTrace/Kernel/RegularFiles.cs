using System.Runtime.InteropServices;

namespace SharpTrace.Kernel;

/// <summary>
/// Files named by a user (scripts, headers, binaries to probe) are read only when they are regular files: reading
/// <c>/dev/zero</c> never ends and opening a FIFO waits for a writer, so either would hang the tool.
/// </summary>
internal static partial class RegularFiles
{
    private const uint TypeMask = 0xf000; // S_IFMT
    private const uint Regular = 0x8000; // S_IFREG

    /// <summary>Whether <paramref name="path"/> names a regular file, following symbolic links as stat(2) does.</summary>
    public static bool IsRegular(string path)
    {
        Span<byte> status = stackalloc byte[256]; // struct stat is 144 bytes on x86-64, 128 on arm64
        if (Stat(path, ref MemoryMarshal.GetReference(status)) != 0)
            return false;
        // st_mode follows st_dev and st_ino (and st_nlink on x86-64).
        var modeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        return (BitConverter.ToUInt32(status[modeOffset..]) & TypeMask) == Regular;
    }

    /// <summary>The file's text; an <see cref="IOException"/> naming the path when it is missing or not a regular file.</summary>
    public static string ReadAllText(string path)
    {
        Check(path);
        return File.ReadAllText(path);
    }

    /// <summary>The file's bytes; an <see cref="IOException"/> naming the path when it is missing or not a regular file.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        Check(path);
        return File.ReadAllBytes(path);
    }

    private static void Check(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"{path}: no such file", path);
        if (!IsRegular(path))
            throw new IOException($"{path}: not a regular file");
    }

    private const int ReadOnlyNonBlocking = 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC
    private const int Eagain = 11;

    /// <summary>
    /// Up to <c>buffer.Length</c> bytes from the start of <paramref name="path"/>, read without ever waiting: a
    /// regular file reads as usual, a FIFO or a device gives only what it holds now (nothing when no writer is there),
    /// so a trace that cat()s one still ends at Ctrl-C. Returns the number of bytes read, or the negated errno when
    /// the file cannot be opened or read.
    /// </summary>
    public static int ReadWithoutWaiting(string path, Span<byte> buffer)
    {
        var fd = Open(path, ReadOnlyNonBlocking);
        if (fd < 0)
            return -Marshal.GetLastPInvokeError();
        try
        {
            var length = 0;
            while (length < buffer.Length)
            {
                var read = (int)Read(fd, ref buffer[length], (nuint)(buffer.Length - length));
                if (read > 0)
                {
                    length += read;
                    continue;
                }
                if (read == 0)
                    break;
                var error = Marshal.GetLastPInvokeError();
                if (error == Native.Eintr)
                    continue;
                if (error == Eagain)
                    break;
                return length > 0 ? length : -error;
            }
            return length;
        }
        finally
        {
            Native.Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte status);
}
