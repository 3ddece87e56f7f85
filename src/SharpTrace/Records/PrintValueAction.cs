namespace SharpTrace.Records;

/// <summary>
/// <c>print(value)</c> of anything that is not a whole map (an integer, a string, a tuple, a struct, <c>@m[k]</c>…):
/// the value follows the id, laid out as its type (<see cref="FieldTypes"/>), and user space prints it with its
/// type's own decoding, as a line of text or a JSON <c>value</c> record.
/// </summary>
internal sealed record PrintValueAction(int Id, IRecordValueType Type) : AsyncAction(Id)
{
    public override string Kind => "print";

    public override RecordLayout Layout { get; } = RecordLayout.Packed([Type.Size]);

    public override IReadOnlyList<IRecordValueType> FieldTypes => [Type];

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(this, context);

    private sealed class Handler(PrintValueAction print, IRecordContext context) : IRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> record)
        {
            if (record.Length < print.Layout.Size)
            {
                context.Warning($"ignored a print() record of {record.Length} bytes");
                return;
            }
            var field = print.Layout.Fields[0];
            context.Output.Value(context.Decode(print.Type, record.Slice(field.Offset, field.Size)));
        }
    }
}
