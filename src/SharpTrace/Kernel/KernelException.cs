using System.Runtime.InteropServices;

namespace SharpTrace.Kernel;

/// <summary>A system call failed: says what was attempted and carries the kernel's errno.</summary>
public class KernelException : Exception
{
    /// <summary>Creates the error for <paramref name="operation"/> failing with <paramref name="errno"/>.</summary>
    public KernelException(string operation, int errno)
        : base($"{operation}: {Describe(errno)}")
    {
        Operation = operation;
        Errno = errno;
    }

    /// <summary>For subclasses that say more than the errno does.</summary>
    protected KernelException(string operation, int errno, string message)
        : base(message)
    {
        Operation = operation;
        Errno = errno;
    }

    /// <summary>What was attempted, e.g. "create map @x".</summary>
    public string Operation { get; }

    /// <summary>The errno the kernel returned.</summary>
    public int Errno { get; }

    /// <summary>errno as a lower-case phrase ("operation not permitted"), the way Go and cilium print it.</summary>
    internal static string Describe(int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : $"errno {errno}";
    }

    /// <summary>Throws for the errno of the last failed call.</summary>
    internal static KernelException FromLastError(string operation) => new(operation, Native.LastErrno);
}

/// <summary>The verifier (or the BTF checker) rejected what we loaded; <see cref="VerifierLog"/> says why.</summary>
public sealed class BpfLoadException : KernelException
{
    /// <summary>Creates the error with the log the kernel wrote.</summary>
    public BpfLoadException(string operation, int errno, string verifierLog) : base(operation, errno)
        => VerifierLog = verifierLog;

    /// <summary>The kernel's log of the rejected load (empty if the kernel wrote none).</summary>
    public string VerifierLog { get; }
}

/// <summary>
/// The script compiled, but this kernel cannot run a probe of it: its kind does not exist here (kprobes without
/// CONFIG_KPROBES), or it names something the kernel lacks (<c>kaddr("avenrun")</c> where kallsyms does not list it).
/// The message names the probe and the reason; nothing was loaded.
/// </summary>
public sealed class ProbeUnavailableException : KernelException
{
    private const int OperationNotSupported = 95; // EOPNOTSUPP

    /// <summary>Creates the error for <paramref name="probe"/> (as the script names it) and the <paramref name="reason"/> it cannot run.</summary>
    public ProbeUnavailableException(string probe, string reason)
        : base($"attach {probe}", OperationNotSupported, $"{probe}: {reason}")
    {
    }

    /// <summary>
    /// When the reason is at a place in the script: the whole diagnostic, as the command line prints it (location,
    /// message, the source line and a caret underline); null otherwise.
    /// </summary>
    public string? LocatedDiagnostic { get; init; }
}
