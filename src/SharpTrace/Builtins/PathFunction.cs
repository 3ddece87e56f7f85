using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(PathFunction))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>path(struct path *[, size])</c>: the full path of a <c>struct path</c> (<c>bpf_d_path</c>), a string of
/// <c>size</c> bytes (<c>max_strlen</c> when left out). The kernel allows the helper only in fentry, fexit and iter
/// programs, and only on a pointer it trusts (an iterator's <c>ctx->file->f_path</c>); checked as the reference
/// checks it. fentry and fexit cannot run on this kernel (BPF trampolines are refused), so it runs in iter probes.
/// </summary>
internal sealed class PathFunction : BuiltinFunction
{
    private static readonly string[] Kinds = ["fentry", "fexit", "iter"];

    public override string Name => "path";

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (!HasArgumentCount(call, context, 1, 2))
            return context.Error(call.Span);
        if (!Kinds.Contains(context.ProbeKind.Name))
        {
            context.Diagnostics.Error(call.Span, "The path function can only be used with 'fentry', 'fexit', 'iter' probes");
            return context.Error(call.Span);
        }
        if (call.Arguments.Count == 2 && call.Arguments[1] is not IntegerLiteral)
        {
            context.Diagnostics.Error(call.Span, "path: invalid size value, need non-negative literal");
            return context.Error(call.Span);
        }
        var path = context.Bind(call.Arguments[0]);
        if (path.Type is ErrorType)
            return path;
        // The newest bpftrace's words for what is no pointer or C value; of those, the kernel takes only a struct path.
        if (path.Type is not (PointerType or CValueType))
        {
            context.Diagnostics.Error(call.Span, $"path() only supports pointer or C type argument ({TypeNames.KindOf(path.Type)} provided)");
            return context.Error(call.Span);
        }
        if (path.Type is not (PointerType { Target.Resolved: CStructType { Name: "struct path" } } or CValueType { CType.Resolved: CStructType { Name: "struct path" } }))
        {
            context.Diagnostics.Error(call.Arguments[0].Span, $"path() needs a 'struct path' or 'struct path *' ({TypeNames.Of(path.Type)} provided)");
            return context.Error(call.Span);
        }
        var size = call.Arguments.Count == 2 ? (int)Math.Clamp(((IntegerLiteral)call.Arguments[1]).Value, 1UL, 4096UL) : context.Config.MaxStrlen;
        return new BoundPath(call.Span, path, new StringType(size));
    }
}

/// <summary>A bound <c>path()</c>: the string buffer zeroed, then <c>bpf_d_path(path, buffer, size)</c> fills it.</summary>
internal sealed record BoundPath(TextSpan Span, BoundExpression Path, StringType Text) : BoundBuiltinCall(Span, Text)
{
    public override string Description => "Call path";
    public override IReadOnlyList<BoundExpression> Operands => [Path];

    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        var ir = lowering.Ir;
        var address = Path.Type is CValueType ? lowering.MemoryAddress(Path) : lowering.LowerScalar(Path);
        ir.Zero(slot, offset, size);
        ir.CallVoid(HelperFunction.DPath, address, new StackAddress(slot, offset), new Imm(Math.Min(size, Text.Size)));
        return true;
    }
}
