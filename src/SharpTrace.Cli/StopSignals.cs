using System.Runtime.InteropServices;

namespace SharpTrace.Cli;

/// <summary>
/// SIGINT and SIGTERM during a run. The first asks for a graceful stop: the probes stop, END runs, the maps are
/// printed, as in bpftrace. A second ends the process at once by the signal's default action, as a Ctrl-C does to
/// bpftrace once it has begun printing its maps: for an exit that is slow (END at work, a huge map to print).
/// </summary>
internal sealed class StopSignals(CancellationTokenSource stop)
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private int _received;

    /// <summary>The handler to register for SIGINT and SIGTERM.</summary>
    public void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) > 1)
            Signals.DieOf(context.Signal == PosixSignal.SIGINT ? SigInt : SigTerm);
        stop.Cancel();
    }
}
