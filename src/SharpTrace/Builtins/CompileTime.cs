using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary>
/// Values the compiler knows, for the builtins the newest bpftrace evaluates at compile time (its standard library's
/// <c>comptime</c> macros and <c>fail</c>). There is one folding of literals, the binder's
/// (<see cref="LiteralFolding"/>, with the reference's overflow errors): an argument is a literal when it binds to
/// one, and a condition is known when <see cref="LiteralFolding.Evaluate"/> knows it.
/// </summary>
internal static class CompileTime
{
    /// <summary>
    /// The literal <paramref name="expression"/> binds to, as a value (integers, bools, strings and tuples of them);
    /// null for anything else (a variable, a call, a cast), and for an expression whose binding reported an error
    /// (an overflow while folding), which <paramref name="failed"/> then says.
    /// </summary>
    public static RuntimeValue? Fold(Expression expression, BuiltinContext context, out bool failed)
    {
        var bound = context.Bind(expression);
        failed = bound.Type is ErrorType;
        return LiteralFolding.IsLiteral(bound) ? Value(bound) : null;
    }

    private static RuntimeValue Value(BoundExpression literal) => literal switch
    {
        BoundStringLiteral s => new StringValue(s.Value),
        BoundTuple t => new TupleValue(t.Elements.Select(Value).ToList()),
        BoundIntegerLiteral { Type: BoolType } b => new BooleanValue(b.Value != 0),
        BoundIntegerLiteral i => new IntegerValue(i.Value, IsSigned: i.Type is IntegerType { IsSigned: true }),
        _ => throw new ArgumentException("not a literal", nameof(literal)),
    };

    /// <summary>A bool the compiler knows, bound as <c>true</c>/<c>false</c> are.</summary>
    public static BoundExpression Bool(TextSpan span, bool value) => new BoundIntegerLiteral(span, value ? 1 : 0, BoolType.Instance);

    /// <summary>A call that leaves no code behind: a compile-time check that passed.</summary>
    public static BoundExpression Nothing(TextSpan span) => new BoundBlockExpression(span, [], null);
}
