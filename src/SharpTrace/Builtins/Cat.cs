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
    /// The first <see cref="MaxBytes"/> bytes of the file, read without waiting (a FIFO gives what it holds now); a
    /// file that cannot be read gives nothing and a warning worded as bpftrace's error ("failed to open file '/x': No
    /// such file or directory", the C library's words for the errno).
    /// </summary>
    public string Read(string path, Action<string> warning)
    {
        var bytes = new byte[MaxBytes];
        var length = Kernel.RegularFiles.ReadWithoutWaiting(path, bytes);
        if (length >= 0)
            return Output.RawText.Decode(bytes.AsSpan(0, length));
        warning($"failed to open file '{path}': {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(-length)}");
        return "";
    }
}
