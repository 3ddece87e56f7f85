using System.Diagnostics;
using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(SystemCommand))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>system(fmt, ...)</c>, allowed only with <c>--unsafe</c>: user space runs the formatted command through
/// <c>/bin/sh -c</c> when it handles the record, waits for it, and prints what it wrote to its standard output (its
/// standard error goes to ours), as bpftrace does.
/// </summary>
internal sealed class SystemCommand : BuiltinFunction
{
    public override string Name => "system";

    public override bool IsStatement => true;

    public override bool IsUnsafe => true;

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (context.BindFormat(call) is not { } bound)
            return context.Error(call.Span);
        var action = context.AddAction(id => new SystemAction(id, bound.Format, bound.Types));
        return new BoundFormattedCall(call.Span, Name, action, bound.Arguments, bound.Types);
    }
}

/// <summary>The record of a <c>system(fmt, ...)</c> call: the command's format arguments.</summary>
internal sealed record SystemAction(int Id, string Format, IReadOnlyList<IRecordValueType> ArgumentTypes) : FormattedAction(Id, Format, ArgumentTypes)
{
    public override string Kind => "system";

    /// <summary>Runs the text as a command and prints what it wrote.</summary>
    protected override void Act(string text, IRecordContext context) => context.Output.Syscall(Run(text, context.Warning));

    /// <summary>Runs <paramref name="command"/> to its end and returns its standard output; a shell that cannot start gives a warning.</summary>
    public static string Run(string command, Action<string> warning)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("no process");
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            warning($"system(): cannot run /bin/sh: {e.Message}");
            return "";
        }
    }
}
