using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// `comptime e` and the conditions of `if`, as the newest bpftrace folds them (fold_literals.cpp, type_resolver.cpp).
internal sealed partial class ExpressionBinder
{
    /// <summary>
    /// <c>comptime e</c>: the literal <c>e</c> is at compile time (<see cref="LiteralFolding.Evaluate"/>: literals,
    /// and <c>sizeof</c>, <c>offsetof</c>, <c>is_str</c> and the like once the types they ask about are known, with
    /// the operators over them); null after reporting the folding's error or, when only the run could know, the
    /// reference's <c>Unable to resolve comptime expression</c> at the <c>comptime</c>.
    /// </summary>
    public BoundExpression? BindComptime(UnaryExpression comptime)
    {
        var outer = _inComptime;
        _inComptime = true;
        var operand = BindExpression(comptime.Operand);
        _inComptime = outer;
        if (operand.Type is ErrorType)
            return null;
        var evaluated = LiteralFolding.Evaluate(operand);
        if (evaluated?.Warning is { } warning)
            _diagnostics.Warning(comptime.Span, warning);
        if (evaluated is { Literal: { } literal })
            return literal;
        _diagnostics.Error(comptime.Span, evaluated?.Error ?? UnresolvedComptime);
        return null;
    }

    // Binding a comptime expression: a map's type it asks about (sizeof, typeof) decides code, so it is locked.
    private bool _inComptime;

    /// <summary>
    /// A map whose type a <c>comptime</c> expression read (<c>sizeof(@a)</c>, <c>typeof(@a)</c>) keeps that type, as
    /// the newest bpftrace locks a type a resolved part of the program used (type_resolver.cpp <c>get_locked_node</c>).
    /// </summary>
    private void NoteIntrospected(BoundExpression operand)
    {
        if (_inComptime && operand is BoundMapRead read)
            _maps.Lock(read.Map);
    }

    /// <summary>The reference's error for a <c>comptime</c> expression only the run could evaluate.</summary>
    public const string UnresolvedComptime = "Unable to resolve comptime expression";

    /// <summary>
    /// Which branch <c>if comptime (e)</c> takes: <c>e</c>'s truth as the reference's <c>eval_bool</c> has it (a
    /// non-zero integer, a non-empty string, <c>true</c>); null after an error.
    /// </summary>
    public bool? BindComptimeCondition(UnaryExpression comptime)
    {
        if (BindComptime(comptime) is not { } literal)
            return null;
        if (LiteralFolding.Truth(literal) is { } truth)
            return truth;
        _diagnostics.Error(comptime.Span, UnresolvedComptime);
        return null;
    }

    /// <summary>
    /// The condition of a run-time <c>if</c>: a literal is simplified to a bool, as the reference folds it (so
    /// <c>if ("a")</c> is <c>if (true)</c>); anything else must be an integer.
    /// </summary>
    public BoundExpression BindIfCondition(Expression condition)
    {
        var bound = BindExpression(condition);
        return LiteralFolding.Truth(bound) is null
            ? CheckCondition(bound, condition.Span, "Invalid condition in if(): ")
            : LiteralFolding.FoldCondition(bound);
    }
}
