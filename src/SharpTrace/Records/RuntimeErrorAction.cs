using SharpTrace.Output;
using SharpTrace.Syntax;

namespace SharpTrace.Records;

/// <summary>
/// A warning a probe sends at run time, as bpftrace's programs do (<c>Array access out of bounds. This can lead to
/// unexpected results.</c>): the record is the id alone, the message and the place of the expression are known when
/// the program is compiled. Text: <c>stdin:1:9-20: WARNING: message</c> on stderr; JSON: a <c>runtime_error</c> record.
/// </summary>
internal sealed record RuntimeErrorAction(int Id, string Message, SourceLocation Location) : AsyncAction(Id)
{
    /// <summary>The helper failure the warning reports, for JSON's <c>helper_error</c> record; null for other warnings.</summary>
    public HelperFailure? Helper { get; init; }

    /// <summary>bpftrace's message for an array index past the end.</summary>
    public const string ArrayAccessOutOfBounds = "Array access out of bounds. This can lead to unexpected results.";

    /// <summary>
    /// The newest bpftrace's warning when a <c>delete(@m, k)</c> whose value is discarded finds no element
    /// (bpf_map_delete_elem, helper 3, returned -ENOENT), with its "Additional Info" line.
    /// </summary>
    public const string DeleteOfMissingElement = "Can't delete map element because it does not exist.\nAdditional Info - helper: 3, retcode: -2";

    public override string Kind => "runtime_error";

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(this, context);

    private sealed class Handler(RuntimeErrorAction action, IRecordContext context) : IRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> record) => context.Output.ScriptMessage(
            new ScriptMessage(false, action.Message, action.Location.FileName, action.Location.Line, action.Location.Column, action.Location.ToString())
            {
                RecordType = "runtime_error",
                Helper = action.Helper,
            });
    }
}
