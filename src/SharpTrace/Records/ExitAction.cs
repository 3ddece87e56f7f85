using System.Buffers.Binary;

namespace SharpTrace.Records;

/// <summary>
/// <c>exit()</c>: ends the run; what the probes sent after it (other CPUs, the rest of the probe) is not printed, as in
/// bpftrace. <c>exit(code)</c> has an action of its own (<paramref name="HasCode"/>) whose record carries the code,
/// 8 bytes after the id, which becomes the process's exit status.
/// </summary>
internal sealed record ExitAction(int Id, bool HasCode = false) : AsyncAction(Id)
{
    public override string Kind => "exit";

    public override RecordLayout Layout { get; } = HasCode ? RecordLayout.Packed([8]) : RecordLayout.IdOnly;

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(this, context);

    private sealed class Handler(ExitAction action, IRecordContext context) : IRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> record) => context.Exit(
            action.HasCode && record.Length >= action.Layout.Size ? BinaryPrimitives.ReadInt32LittleEndian(record[RecordLayout.IdSize..]) : 0);
    }
}
