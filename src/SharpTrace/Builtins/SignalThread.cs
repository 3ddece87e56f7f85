using SharpTrace.Bpf;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(SignalThread))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>signal_thread(SIG)</c>, <c>signal_thread(N)</c>: as <see cref="Signal"/>, sent to the current thread only
/// (<c>bpf_send_signal_thread</c>).
/// </summary>
internal sealed class SignalThread : Signal
{
    public override string Name => "signal_thread";

    private protected override HelperFunction Helper => HelperFunction.SendSignalThread;
}
