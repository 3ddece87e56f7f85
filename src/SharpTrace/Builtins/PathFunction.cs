using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(PathFunction))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>path(struct path *[, size])</c>: the full path of a <c>struct path</c> (<c>bpf_d_path</c>), which the kernel
/// allows only in fentry, fexit and iter programs. Checked as the reference checks it, then refused: this kernel
/// refuses the BPF trampolines fentry and fexit need, and iterators are not built here.
/// </summary>
internal sealed class PathFunction : RefusedBuiltin
{
    public override string Name => "path";

    protected override (int Min, int Max) Arguments => (1, 2);

    protected override (string[] Kinds, string Message)? Probes =>
        (["fentry", "fexit", "iter"], "The path function can only be used with 'fentry', 'fexit', 'iter' probes");

    protected override string Refusal =>
        "path() is not available here: bpf_d_path runs only in fentry, fexit and iter programs, which this kernel refuses (BPF trampolines are refused)";

    protected override bool CheckArguments(CallExpression call, BuiltinContext context)
    {
        if (call.Arguments.Count == 2 && call.Arguments[1] is not IntegerLiteral)
        {
            context.Diagnostics.Error(call.Span, "path: invalid size value, need non-negative literal");
            return false;
        }
        return base.CheckArguments(call, context);
    }
}
