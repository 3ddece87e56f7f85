using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// What the binder needs of an aggregation function such as <c>count()</c> or <c>hist(x)</c>: its name and its type
/// rule. Its in-kernel update and how user space reads it back live with it in <c>Builtins/Aggregations/</c>.
/// </summary>
internal abstract class AggregationBuiltin
{
    public abstract AggregationKind Kind { get; }

    public string Name => Kind.ToString().ToLowerInvariant();

    /// <summary>
    /// Checks the call's arguments (already bound, in order) and returns the value type of the map it fills,
    /// or null after reporting why it cannot. The default is the rule without the config, below.
    /// </summary>
    internal virtual AggregationType? Bind(CallExpression call, IReadOnlyList<BoundExpression> arguments, DiagnosticBag diagnostics, ProgramConfig config) =>
        Bind(call, arguments, diagnostics);

    /// <summary>The type rule of an aggregation that does not depend on the config: the default accepts exactly one integer.</summary>
    internal virtual AggregationType? Bind(CallExpression call, IReadOnlyList<BoundExpression> arguments, DiagnosticBag diagnostics)
    {
        if (arguments.Count != 1)
        {
            diagnostics.ReportWrongArgumentCount(call.Span, Name, 1, arguments.Count);
            return null;
        }
        return RequireInteger(call, arguments[0], diagnostics)
            ? new AggregationType(Kind) { IsSigned = arguments[0].Type is IntegerType { IsSigned: true } }
            : null;
    }

    protected bool RequireInteger(CallExpression call, BoundExpression argument, DiagnosticBag diagnostics)
    {
        if (argument.Type.IsInteger)
            return true;
        // The newest bpftrace checks hist(), lhist() and tseries() against their signature, naming the kind of what
        // it got ("int arguments (string provided)"); sum() and the others by their type rule, naming the full type
        // ("integer arguments (string[2] provided)").
        diagnostics.Error(call.Span, Kind is AggregationKind.Hist or AggregationKind.Lhist or AggregationKind.Tseries
            ? $"{Name}() only supports int arguments ({TypeNames.KindOf(argument.Type)} provided)"
            : $"{Name}() only supports integer arguments ({TypeNames.Of(argument.Type)} provided)");
        return false;
    }

    /// <summary>The value of an integer literal argument (<c>10</c> or <c>-10</c>); null after reporting anything else.</summary>
    protected long? RequireLiteral(CallExpression call, int index, IReadOnlyList<BoundExpression> arguments, DiagnosticBag diagnostics)
    {
        switch (call.Arguments[index])
        {
            case IntegerLiteral literal:
                return unchecked((long)literal.Value);
            case UnaryExpression { Operator: UnaryOperator.Negate, Operand: IntegerLiteral literal }:
                return -unchecked((long)literal.Value);
            // A positional parameter holding an integer is that literal (runtime/other "positional lhist").
            case PositionalParameter when arguments[index] is BoundIntegerLiteral { Type: IntegerType } bound:
                return bound.Value;
            default:
                diagnostics.Error(call.Span, $"{Name}() expects a int literal ({TypeNames.KindOf(arguments[index].Type)} provided)");
                return null;
        }
    }
}
