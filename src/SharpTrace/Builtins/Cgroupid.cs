using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Cgroupid))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>cgroupid("/sys/fs/cgroup/…")</c>: the id of the cgroup v2 directory at the path, looked up when the script is
/// compiled (its inode number, which is what the kernel's cgroup id is), a uint64 constant, as bpftrace does.
/// </summary>
internal sealed class Cgroupid : BuiltinFunction
{
    public override string Name => "cgroupid";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax);

    // The messages are bpftrace 0.17's for the same calls.
    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (call.Arguments[0] is not StringLiteral path)
        {
            var kind = context.Bind(call.Arguments[0]).Type;
            context.Diagnostics.Error(call.Span, $"{Name}() expects a string literal ({KindName(kind)} provided)");
            return context.Error(call.Span);
        }
        if (!Directory.Exists(path.Value) || FileIdentity.Of(path.Value) is not { } identity)
        {
            context.Diagnostics.Error(call.Span, $"Failed to get `cgroupid` for path: \"{path.Value}\": No such file or directory");
            return context.Error(call.Span);
        }
        return new BoundIntegerLiteral(call.Span, unchecked((long)identity.Inode), BpfType.UInt64);
    }
}
