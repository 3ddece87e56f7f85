namespace SharpTrace.Output;

/// <summary>A BPF helper's failure as bpftrace's JSON <c>helper_error</c> record has it: <c>strerror</c>'s text, the helper id, the return code.</summary>
internal sealed record HelperFailure(string Error, int HelperId, int ReturnCode);

/// <summary>
/// A message a script prints with <c>errorf()</c> or <c>warnf()</c>: its formatted text and the place of the call
/// (<paramref name="Location"/> as bpftrace prints it, <c>stdin:1:9-62</c>; <paramref name="Line"/> and
/// <paramref name="Column"/> one-based, as its JSON record has them).
/// </summary>
public sealed record ScriptMessage(bool IsError, string Text, string FileName, int Line, int Column, string Location)
{
    /// <summary>
    /// The JSON record's type when the message is not a script's own: <c>runtime_error</c> for the warnings bpftrace's
    /// programs send at run time (an array index past the end); null for <c>errorf</c>/<c>warnf</c>.
    /// </summary>
    public string? RecordType { get; init; }

    /// <summary>
    /// For a helper's failure (a discarded delete of a missing element): its error text, helper id and return code,
    /// which bpftrace's JSON record <c>helper_error</c> carries instead of <c>msg</c>'s text; null otherwise.
    /// </summary>
    internal HelperFailure? Helper { get; init; }

    /// <summary>
    /// The places the message's call was expanded from, innermost first, each as bpftrace prints it after the message
    /// (<c>stdin:1:9-42: ERROR: expanded from</c>, the source line, a <c>~</c> underline): an <c>assert</c>'s failure
    /// points into bpftrace's standard library and then at the script's call. Text output only; JSON names the first place.
    /// </summary>
    public IReadOnlyList<string> ExpandedFrom { get; init; } = [];

    /// <summary>
    /// The message as bpftrace writes it to stderr in text mode: <c>stdin:1:9-62: ERROR: text</c> (or <c>WARNING:</c>),
    /// one line (then the <see cref="ExpandedFrom"/> places), the text's own final newline dropped.
    /// </summary>
    public string Format() => $"{Location}: {(IsError ? "ERROR" : "WARNING")}: {(Text.EndsWith('\n') ? Text[..^1] : Text)}"
        + string.Concat(ExpandedFrom.Select(place => "\n" + place.TrimEnd('\n')));
}
