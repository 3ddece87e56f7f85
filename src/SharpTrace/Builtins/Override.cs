using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Override))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>override(rc)</c>: makes the probed kernel function return <c>rc</c> (<c>bpf_override_return</c>), in kprobes
/// only and with <c>--unsafe</c>. Checked as the reference checks it, then refused: only a kprobe may call the
/// helper, and this kernel attaches no kprobes.
/// </summary>
internal sealed class Override : RefusedBuiltin
{
    public override string Name => "override";

    public override bool IsStatement => true;

    protected override (int Min, int Max) Arguments => (1, 1);

    protected override bool NeedsUnsafe => true;

    protected override (string[] Kinds, string Message)? Probes => (["kprobe"], "override can only be used with kprobes.");

    protected override string Refusal =>
        "override() is not available here: bpf_override_return runs only in kprobe programs, and this kernel cannot attach kprobes";

    protected override bool CheckArguments(CallExpression call, BuiltinContext context)
    {
        var rc = context.Bind(call.Arguments[0]);
        if (rc.Type is ErrorType)
            return false;
        if (rc.Type.IsInteger)
            return true;
        context.Diagnostics.Error(call.Span, $"override() only supports int arguments ({KindName(rc.Type)} provided)");
        return false;
    }
}
