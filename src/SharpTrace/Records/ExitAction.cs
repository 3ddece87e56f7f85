namespace SharpTrace.Records;

/// <summary><c>exit()</c>: ends the run; what the probes sent after it (other CPUs, the rest of the probe) is not printed, as in bpftrace.</summary>
internal sealed record ExitAction(int Id) : AsyncAction(Id)
{
    public override string Kind => "exit";

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(context);

    private sealed class Handler(IRecordContext context) : IRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> record) => context.Exit();
    }
}
