using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Unwatch))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>unwatch(addr)</c>: removes the watchpoint an <c>asyncwatchpoint</c> probe set on <c>addr</c>. The newest bpftrace
/// still lists it but removed <c>asyncwatchpoint</c> and generates no code for it; here a watchpoint lives until the
/// run ends, so the call is checked and refused saying so.
/// </summary>
internal sealed class Unwatch : RefusedBuiltin
{
    public override string Name => "unwatch";

    protected override (int Min, int Max) Arguments => (1, 1);

    protected override string Refusal =>
        "unwatch() is not available: it removes the watchpoints of asyncwatchpoint probes, which the newest bpftrace " +
        "removed (a watchpoint probe watches until the run ends)";
}
