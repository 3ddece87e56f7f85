using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Cpid))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>cpid</c> and <c>cpid()</c>: the pid of the child process <c>-c</c> started, a uint32 constant. Without <c>-c</c>
/// it is zero and, each time it is read, a run-time warning (<c>No child command (`-c`); cpid is zero</c>), as the
/// newest bpftrace defines it (0.17 refused the script); <c>has_cpid</c> tells the two apart without the warning.
/// </summary>
internal sealed class Cpid : BuiltinFunction
{
    public const string NoChildWarning = "No child command (`-c`); cpid is zero";

    public override string Name => "cpid";
    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.Of();

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var span = call.Span;
        if (context.Config.ChildPid is { } child)
            return new BoundIntegerLiteral(span, child, BpfType.UInt32);
        var zero = new CastExpression(span, new TypeSyntax(span, "uint32", 0, null), new IntegerLiteral(span, 0, "0"));
        var warning = new CallExpression(span, "warnf", call.NameSpan, [new StringLiteral(span, NoChildWarning)]);
        return context.Bind(new BlockExpression(span, [new ExpressionStatement(span, warning)], zero));
    }
}
