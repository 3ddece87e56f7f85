using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Cat))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>cat(fmt, ...)</c>: user space prints the contents of the file named by the formatted text when it handles the
/// record, at most <c>max_cat_bytes</c> of it (bpftrace's default 10 KiB), as it is: no newline is added.
/// </summary>
internal sealed class Cat : BuiltinFunction
{
    public override string Name => "cat";

    public override bool IsStatement => true;

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (context.BindFormat(call) is not { } bound)
            return context.Error(call.Span);
        var maxBytes = context.Config.MaxCatBytes;
        var action = context.AddAction(id => new CatAction(id, bound.Format, bound.Types, maxBytes));
        return new BoundFormattedCall(call.Span, Name, action, bound.Arguments, bound.Types);
    }
}

/// <summary>The record of a <c>cat(fmt, ...)</c> call: the file name's format arguments.</summary>
internal sealed record CatAction(int Id, string Format, IReadOnlyList<IRecordValueType> ArgumentTypes, int MaxBytes)
    : FormattedAction(Id, Format, ArgumentTypes)
{
    public override string Kind => "cat";

    /// <summary>Prints the file the text names.</summary>
    protected override void Act(string text, IRecordContext context) => context.Output.Cat(Read(text, context.Warning));

    /// <summary>
    /// The first <see cref="MaxBytes"/> bytes of the file; a file that cannot be read gives nothing and a warning worded
    /// as bpftrace's error ("failed to open file '/x': No such file or directory").
    /// </summary>
    public string Read(string path, Action<string> warning)
    {
        var bytes = new byte[MaxBytes];
        var length = 0;
        try
        {
            // Files under /proc report a length of 0: read until the end, not to the reported length.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            int read;
            while (length < bytes.Length && (read = file.Read(bytes, length, bytes.Length - length)) > 0)
                length += read;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warning($"failed to open file '{path}': {Reason(path, e)}");
        }
        return Output.RawText.Decode(bytes.AsSpan(0, length));
    }

    /// <summary>The C library's words for why the file could not be read, as bpftrace prints them.</summary>
    private static string Reason(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException when Directory.Exists(path) => "Is a directory",
        UnauthorizedAccessException => "Permission denied",
        _ => e.Message,
    };
}
