using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>Loops (<c>for</c> over a map or a range, <c>while</c>, <c>unroll</c>), break, continue, return.</summary>
internal sealed partial class StatementBinder
{
    /// <summary>Loop variables, out of scope after their loop but still needing a slot in the probe's frame.</summary>
    private readonly List<VariableSymbol> _loopVariables = [];
    private int _loopDepth;
    /// <summary>Whether the first return inside a loop had a value (null before any).</summary>
    private bool? _returnInLoopHasValue;
    /// <summary>
    /// For each for loop being bound, innermost last: the variables its body assigns, and those it declares without a
    /// value (reset each iteration, as the newest's callback body zeroes them).
    /// </summary>
    private readonly List<(HashSet<VariableSymbol> Assigned, List<BoundVariableReset> Declared)> _forBodies = [];

    /// <summary>The probe's variables: the named ones and the loop variables.</summary>
    public IReadOnlyList<VariableSymbol> ProbeVariables() => _declared.Concat(_loopVariables).Concat(_variables.Values).Distinct().ToList();

    private BoundStatement? BindForMap(ForMapStatement s)
    {
        var map = _maps.Get(s.Map.Name);
        var type = LoopEntryType(map, s.Map.Span);
        var (variable, body, assigned) = BindLoopBody(s.Variable, type, s.Span, s.Body);
        return type is TupleType && variable is not null ? new BoundForMap(s.Span, variable, map, body) { Assigned = assigned } : null;
    }

    /// <summary>(key, value), the key a tuple when the map has several; per-CPU counters read as their total (an avg as its average).</summary>
    private BpfType LoopEntryType(MapSymbol map, TextSpan span)
    {
        if (map.KeyTypes is null || map.ValueType is null)
            return ErrorType.Instance; // known in a later pass, or reported as an undefined map
        if (map.KeyTypes.Count == 0)
        {
            _diagnostics.Error(span, $"{map.Name} has no explicit keys (scalar map), and cannot be used for iteration");
            return ErrorType.Instance;
        }
        if (map.ValueType is AggregationType { Kind: AggregationKind.Stats or AggregationKind.Hist or AggregationKind.Lhist or AggregationKind.Tseries } aggregation)
        {
            _diagnostics.Error(span, $"Loop expression does not support type: {TypeNames.Of(aggregation)}");
            return ErrorType.Instance;
        }
        var key = map.KeyTypes.Count == 1 ? map.KeyTypes[0] : map.KeyLayout;
        var value = map.ValueType is AggregationType ? BpfType.Int64 : map.ValueType;
        return new TupleType([key, value]);
    }

    /// <summary>The most iterations bpf_loop runs (1 &lt;&lt; 23, include/uapi/linux/bpf.h).</summary>
    private const long MaxLoopIterations = 1 << 23;

    private BoundStatement? BindForRange(ForRangeStatement s)
    {
        var from = _expressions.BindExpression(s.Start);
        var to = _expressions.BindExpression(s.End);
        // The newest's words, over the whole range.
        var range = TextSpan.FromBounds(s.Start.Span.Start, s.End.Span.End);
        if (!from.Type.IsInteger)
            _diagnostics.Error(range, "Loop range requires an integer for the start value");
        if (!to.Type.IsInteger)
            _diagnostics.Error(range, "Loop range requires an integer for the end value");
        // The loop runs through bpf_loop, which refuses more than 2^23 iterations and runs none then: a constant
        // range that long is an error here rather than a loop that silently does nothing.
        if (from is BoundIntegerLiteral first && to is BoundIntegerLiteral last && (Int128)last.Value - first.Value > MaxLoopIterations)
            _diagnostics.Error(s.Span, $"Loop range of {(Int128)last.Value - first.Value} iterations is more than the kernel runs in one loop ({MaxLoopIterations}, bpf_loop's limit)");
        var start = new VariableSymbol(s.Variable + ".start", BpfType.Int64);
        _loopVariables.Add(start);
        var type = RangeType(ref from, ref to);
        var (variable, body, assigned) = BindLoopBody(s.Variable, type, s.Span, s.Body);
        return variable is null ? null : new BoundForRange(s.Span, variable, start, from, to, body) { Assigned = assigned };
    }

    /// <summary>
    /// The type of a range loop's variable, as the newest bpftrace's get_range_type: the start's type, promoted with the
    /// end's when their sizes differ (<c>0..5</c> is an int8, <c>0..1000</c> an int16, <c>0..$n</c> with a uint64 <c>$n</c> a
    /// uint64). The bounds are cast to the larger of the two, with the "being cast" warning where a value may not keep
    /// its value (its cast_creator).
    /// </summary>
    private BpfType RangeType(ref BoundExpression from, ref BoundExpression to)
    {
        if (from.Type is not IntegerType start || to.Type is not IntegerType end)
            return BpfType.Int64;
        var type = start.Bytes == end.Bytes ? start
            : IntegerPromotion.Promote(start, start.IsSignFlexible, end, end.IsSignFlexible) with { IsSignFlexible = start.IsSignFlexible && end.IsSignFlexible };
        if (start != end)
        {
            var larger = start.Bytes > end.Bytes ? start : end;
            from = CastBound(from, start, larger);
            to = CastBound(to, end, larger);
        }
        return type;
    }

    private BoundExpression CastBound(BoundExpression bound, IntegerType type, IntegerType target)
    {
        if (type == target)
            return bound;
        if (bound is not BoundIntegerLiteral && !IntegerPromotion.FitsInto(type, type.IsSignFlexible, target))
            _diagnostics.ReportImplicitIntegerCast(bound.Span, type.ToString(), target.ToString());
        return new BoundCast(bound.Span, bound, target with { IsSignFlexible = false });
    }

    private BoundWhile BindWhile(WhileStatement s)
    {
        var condition = _expressions.BindCondition(s.Condition, "Invalid condition in while(): ");
        _loopDepth++;
        var body = BindBlock(s.Body);
        _loopDepth--;
        return new BoundWhile(s.Span, condition, body);
    }

    public const int MaxUnrollCount = 100;

    private BoundUnroll? BindUnroll(UnrollStatement s)
    {
        var body = BindBlock(s.Body);
        var count = s.Count switch
        {
            IntegerLiteral literal => (long?)Math.Min(literal.Value, long.MaxValue),
            UnaryExpression { Operator: UnaryOperator.Negate, Operand: IntegerLiteral literal } => -(long)Math.Min(literal.Value, long.MaxValue),
            _ => _expressions.BindExpression(s.Count) switch
            {
                BoundIntegerLiteral literal => literal.Value,
                { Type: ErrorType } => null,
                var other => ReportUnrollCountNotInteger(other),
            },
        };
        if (count is not { } n)
            return null;
        // bpftrace underlines "unroll(N)": the statement up to the count's closing parenthesis.
        var close = _tree.Source.Text.IndexOf(')', s.Count.Span.End);
        var head = new TextSpan(s.Span.Start, (close >= 0 ? close + 1 : s.Count.Span.End) - s.Span.Start);
        if (n < 1)
        {
            _diagnostics.ReportUnrollCountTooSmall(head);
            return null;
        }
        if (n > MaxUnrollCount)
        {
            _diagnostics.ReportUnrollCountTooLarge(head, MaxUnrollCount);
            return null;
        }
        return new BoundUnroll(s.Span, (int)n, body);
    }

    private long? ReportUnrollCountNotInteger(BoundExpression count)
    {
        _diagnostics.Error(count.Span, $"unroll needs an integer count, got '{TypeNames.Of(count.Type)}'");
        return null;
    }

    /// <summary>Binds a loop body with its variable in scope; the variable is unknown again after the loop.</summary>
    private (VariableSymbol? Variable, BoundBlock Body, HashSet<VariableSymbol> Assigned) BindLoopBody(string name, BpfType type, TextSpan span, Block body)
    {
        VariableSymbol? variable = null;
        if (_variables.TryGetValue(name, out var existing))
        {
            _diagnostics.ReportLoopVariableShadowing(LoopVariableSpan(name, span), name);
            ReportOrigin(existing);
        }
        else
        {
            variable = new VariableSymbol(name, type) { Origin = LoopVariableSpan(name, span), OriginKind = VariableOrigin.LoopVariable };
            _loopVariables.Add(variable);
        }
        _loopDepth++;
        var (assigned, declared) = (new HashSet<VariableSymbol>(), new List<BoundVariableReset>());
        _forBodies.Add((assigned, declared));
        var bound = BindScoped(() => BindStatements(body), variable);
        _forBodies.RemoveAt(_forBodies.Count - 1);
        if (declared.Count > 0)
            bound = bound with { Statements = [.. declared, .. bound.Statements] };
        _loopDepth--;
        return (variable, bound, assigned);
    }

    /// <summary>Where <c>$kv</c> is written in <c>for ($kv : ...)</c> (the syntax tree keeps only the loop's span).</summary>
    private TextSpan LoopVariableSpan(string name, TextSpan loop)
    {
        var at = _tree.Source.Text.IndexOf(name, loop.Start, StringComparison.Ordinal);
        return at >= 0 && at + name.Length <= loop.End ? new TextSpan(at, name.Length) : loop;
    }

    private BoundStatement? BindLoopJump(Statement statement)
    {
        var keyword = statement is BreakStatement ? "break" : "continue";
        if (_loopDepth == 0)
        {
            _diagnostics.Error(statement.Span, $"'{keyword}' statement is not allowed outside of a loop");
            return null;
        }
        return statement is BreakStatement ? new BoundBreak(statement.Span) : new BoundContinue(statement.Span);
    }

    // A probe's return value is its program's (a test: probe passes only with 0); only integers, in the newest
    // bpftrace's words. The returns inside loops of one probe either all have a value or none has, as the newest
    // bpftrace's loop_return pass requires: a for body leaves through its loop with one kind of return.
    private BoundReturn? BindReturn(ReturnStatement s)
    {
        if (_loopDepth > 0)
        {
            _returnInLoopHasValue ??= s.Value is not null;
            if (_returnInLoopHasValue != s.Value is not null)
            {
                _diagnostics.Error(s.Span, "Return value used in loop is inconsistent");
                return null;
            }
        }
        if (s.Value is null)
            return new BoundReturn(s.Span);
        var value = _expressions.BindExpression(s.Value);
        if (value.Type is ErrorType)
            return null;
        if (!value.Type.IsInteger || value.Type is PointerType)
        {
            _diagnostics.Error(s.Value.Span, $"Probe return values can only be integers. Found {TypeNames.Of(value.Type)}");
            return null;
        }
        return new BoundReturn(s.Span, value);
    }
}
