using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// Where a map of an aggregation without a value to read (hist, lhist, stats, tseries) is used as a value: assigned to
// a variable or map, an element of a tuple or record, a map key, printed by key; each reported in the newest
// bpftrace's words for it (BindExpression reports other reads).
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

    private BoundExpression Readable(BoundExpression value)
    {
        if (value is not BoundMapRead { Type: AggregationType aggregation })
            return value;
        _diagnostics.ReportUnsupported(value.Span, $"Reading a value of a {aggregation} map");
        return Error(value.Span);
    }

    /// <summary>
    /// An element of a tuple or record (<paramref name="container"/>): a hist, lhist or tseries map's value cannot be
    /// one, in the newest bpftrace's words (type_checker.cpp).
    /// </summary>
    private BoundExpression BindElement(Expression expression, string container) =>
        BindNotMultiKey(expression, (value, map) => (value.Span, $"Map type {TypeNames.Of(map)} cannot exist inside a {container}."));

    /// <summary>
    /// The value of <c>print(v)</c>: a hist, lhist or tseries map's value at one key is the newest bpftrace's error over
    /// the <paramref name="call"/> (type_checker.cpp); the rest as <see cref="BindExpression"/>.
    /// </summary>
    public BoundExpression BindPrinted(Expression expression, TextSpan call) =>
        BindNotMultiKey(expression, (_, map) => (call, $"Map type {TypeNames.Of(map)} cannot print the value of individual keys. You must print the whole map."));

    /// <summary>
    /// A value that a hist, lhist or tseries map's read cannot be (they hold one entry per bucket), reported where and
    /// as <paramref name="report"/> says; any other value as <see cref="BindExpression"/>.
    /// </summary>
    private BoundExpression BindNotMultiKey(Expression expression, Func<BoundExpression, AggregationType, (TextSpan Span, string Message)> report)
    {
        var value = BindOperand(expression);
        if (value is not BoundMapRead { Type: AggregationType { IsMultiKey: true } map })
            return Readable(value);
        var (span, message) = report(value, map);
        _diagnostics.Error(span, message);
        return Error(value.Span);
    }

    /// <summary>A key of <paramref name="access"/>: an aggregation's map with no value to read cannot be one (the newest's words).</summary>
    private BoundExpression BindKey(Expression key, MapAccess access)
    {
        var value = BindOperand(key);
        if (value is not BoundMapRead { Type: AggregationType aggregation })
            return value;
        _diagnostics.Error(access.Span, $"Value '{TypeNames.Of(aggregation)}' cannot be used as a map key.");
        return Error(value.Span);
    }
}
