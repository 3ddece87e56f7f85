using SharpTrace.Output;

namespace SharpTrace.Records;

/// <summary>
/// An action with a printf-style format (<c>printf</c>, <c>cat</c>, <c>system</c>): the format's arguments follow the
/// id, each 8-byte aligned (<see cref="RecordLayout.Packed"/>); user space formats the text, then acts on it
/// (<see cref="Act"/>).
/// </summary>
internal abstract record FormattedAction(int Id, string Format, IReadOnlyList<IRecordValueType> ArgumentTypes) : AsyncAction(Id)
{
    public override RecordLayout Layout { get; } = RecordLayout.Packed(ArgumentTypes.Select(t => t.Size));

    public override IReadOnlyList<IRecordValueType> FieldTypes => ArgumentTypes;

    /// <summary>What user space does with the formatted text: print it, print the file it names, run it.</summary>
    protected abstract void Act(string text, IRecordContext context);

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(this, context);

    private sealed class Handler(FormattedAction action, IRecordContext context) : IRecordHandler
    {
        // The format is parsed once and the argument list reused: this runs once per event.
        private PrintfFormat? _format;
        private readonly List<RuntimeValue> _arguments = new(action.ArgumentTypes.Count);

        public void Handle(ReadOnlySpan<byte> record)
        {
            var fields = action.Layout.Fields;
            if (record.Length < action.Layout.Size)
            {
                context.Warning($"ignored a {action.Kind}() record of {record.Length} bytes");
                return;
            }
            _arguments.Clear();
            for (var i = 0; i < fields.Count; i++)
                _arguments.Add(context.Decode(action.ArgumentTypes[i], record.Slice(fields[i].Offset, fields[i].Size)));
            action.Act((_format ??= PrintfFormat.Parse(action.Format)).Format(_arguments), context);
        }
    }
}

/// <summary><c>printf(fmt, ...)</c>: prints the formatted text.</summary>
internal sealed record PrintfAction(int Id, string Format, IReadOnlyList<IRecordValueType> ArgumentTypes) : FormattedAction(Id, Format, ArgumentTypes)
{
    public override string Kind => "printf";

    protected override void Act(string text, IRecordContext context) => context.Output.Printf(text);
}
