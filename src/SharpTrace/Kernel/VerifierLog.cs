using System.Text;

namespace SharpTrace.Kernel;

/// <summary>Buffers for the verifier's (and BTF checker's) log.</summary>
internal static class VerifierLog
{
    public const int InitialSize = 1 << 20;

    // The kernel caps log_size at UINT_MAX >> 2; stop well before that.
    public const int MaxSize = 1 << 26;

    /// <summary>The NUL-terminated text the kernel wrote.</summary>
    public static string Text(byte[] log)
    {
        var end = Array.IndexOf(log, (byte)0);
        return Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end);
    }
}
