using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// Values assigned to variables and maps, where a map of an aggregation without a value to read (hist, lhist, stats,
// tseries) is reported in the newest bpftrace's words for an assignment (BindExpression reports other reads).
internal sealed partial class ExpressionBinder
{
    /// <summary>
    /// The value assigned to a scratch variable (<c>$x = v</c>, <c>let $x = v</c>); null when it is an aggregation's map
    /// with no value to read, the newest bpftrace's error over the whole <paramref name="assignment"/> (type_resolver's
    /// "cannot be assigned to a scratch variable").
    /// </summary>
    public BoundExpression? BindVariableValue(Expression value, TextSpan assignment)
    {
        var bound = BindOperand(value);
        if (bound is not BoundMapRead { Type: AggregationType aggregation })
            return bound;
        _diagnostics.ReportAggregationAssignedToVariable(assignment, aggregation.TypeName);
        return null;
    }

    /// <summary>
    /// The value assigned to a map (<c>@y = v</c>): an aggregation's map read comes back as it is, for the assignment
    /// to report as the newest bpftrace does (a map value assigned from one map to another).
    /// </summary>
    public BoundExpression BindMapValue(Expression value) => BindOperand(value);
}
