using System.Runtime.InteropServices;

namespace SharpTrace.Kernel;

/// <summary>
/// The device and inode numbers of a file (stat(2)): what the kernel identifies a PID namespace by
/// (<c>/proc/self/ns/pid</c>, for bpf_get_ns_current_pid_tgid) and a cgroup v2 directory's id.
/// </summary>
internal static partial class FileIdentity
{
    /// <summary>(st_dev, st_ino) of <paramref name="path"/>, following symbolic links; null when stat fails.</summary>
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        Span<byte> status = stackalloc byte[256]; // struct stat is 144 bytes on x86-64, 128 on arm64
        if (Stat(path, ref MemoryMarshal.GetReference(status)) != 0)
            return null;
        // st_dev and st_ino are the first two 8-byte fields on both x86-64 and arm64.
        return (BitConverter.ToUInt64(status), BitConverter.ToUInt64(status[8..]));
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte status);
}
