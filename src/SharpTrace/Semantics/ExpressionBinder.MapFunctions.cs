using SharpTrace.Builtins;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>The map functions that yield values: <c>has_key</c>, <c>len</c>.</summary>
internal sealed partial class ExpressionBinder
{
    /// <summary><c>has_key(@m, k)</c> or <c>has_key(@m, (k1, k2))</c>.</summary>
    private BoundExpression BindHasKey(CallExpression call)
    {
        if (call.Arguments.Count != 2)
        {
            _diagnostics.ReportWrongArgumentCount(call.Span, BoundHasKey.Name, 2, call.Arguments.Count);
            return Error(call.Span);
        }
        if (KeyedMapArgument(call) is not { } map)
            return Error(call.Span);
        var key = call.Arguments[1];
        var access = new MapAccess(call.Arguments[0].Span, map.Name, key is TupleExpression tuple ? tuple.Elements : [key]);
        return new BoundHasKey(call.Span, map, BindKeys(map, access));
    }

    /// <summary><c>len(@m)</c>: the number of entries.</summary>
    private BoundExpression BindLen(CallExpression call)
    {
        if (call.Arguments.Count != 1)
        {
            _diagnostics.ReportWrongArgumentCount(call.Span, BoundLen.Name, 1, call.Arguments.Count);
            return Error(call.Span);
        }
        if (call.Arguments[0] is not MapAccess { IsScalar: true } access)
        {
            _diagnostics.Error(call.Arguments[0].Span, "len() expects a map argument, such as len(@m)");
            return Error(call.Span);
        }
        return new BoundLen(call.Span, _maps.Get(access.Name));
    }

    /// <summary>The first argument of a map function that takes a keyed map by name (<c>@m</c>, not <c>@m[k]</c>).</summary>
    private MapSymbol? KeyedMapArgument(CallExpression call)
    {
        if (call.Arguments[0] is not MapAccess { IsScalar: true } access)
        {
            _diagnostics.Error(call.Arguments[0].Span, $"{call.Name}() expects a map argument without keys, such as {call.Name}(@m, key)");
            return null;
        }
        var map = _maps.Get(access.Name);
        if (map.IsScalar)
        {
            _diagnostics.Error(call.Arguments[0].Span, $"{call.Name}() expects a map with keys; {map.Name} has none");
            return null;
        }
        return map;
    }
}
