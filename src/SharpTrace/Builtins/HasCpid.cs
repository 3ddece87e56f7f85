using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(HasCpid))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>has_cpid</c> and <c>has_cpid()</c>: a bool constant, true when <c>-c</c> started a child process (so <c>cpid</c>
/// has a value), as the newest bpftrace's reference defines it. (Its macro compares <c>__builtin_cpid == 0</c>, the
/// opposite of what the reference says; we follow the reference, see docs/differences.md.)
/// </summary>
internal sealed class HasCpid : BuiltinFunction
{
    public override string Name => "has_cpid";
    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.Of();

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context) =>
        context.Bind(new BooleanLiteral(call.Span, context.Config.ChildPid is not null));
}
