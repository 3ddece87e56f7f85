using SharpTrace.Builtins;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>Map declarations and the map functions that yield values: <c>has_key</c>, <c>len</c>.</summary>
internal sealed partial class Binder
{
    private static readonly Dictionary<string, MapKind> MapKinds = new(StringComparer.Ordinal)
    {
        ["hash"] = MapKind.Hash,
        ["lruhash"] = MapKind.LruHash,
        ["percpuhash"] = MapKind.PerCpuHash,
        ["percpulruhash"] = MapKind.PerCpuLruHash,
        ["percpuarray"] = MapKind.PerCpuArray,
    };

    private readonly Dictionary<MapSymbol, MapDeclaration> _mapDeclarations = [];

    /// <summary><c>let @m = lruhash(100);</c>: the kernel map kind and its size, checked once types are known.</summary>
    private void BindMapDeclarations(IReadOnlyList<MapDeclaration> declarations)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var declaration in declarations)
        {
            if (!seen.Add(declaration.MapName))
            {
                _diagnostics.Error(declaration.Span, $"{declaration.MapName} is declared more than once");
                continue;
            }
            if (!MapKinds.TryGetValue(declaration.Kind, out var kind))
            {
                _diagnostics.Error(declaration.Span,
                    $"Invalid map kind: {declaration.Kind} (expected one of {string.Join(", ", MapKinds.Keys)})");
                continue;
            }
            if (declaration.MaxEntries is not IntegerLiteral { Value: > 0 and <= int.MaxValue } size)
            {
                _diagnostics.Error(declaration.MaxEntries?.Span ?? declaration.Span,
                    $"{declaration.Kind}() requires one argument: the maximum number of entries, a positive integer");
                continue;
            }
            var map = GetMap(declaration.MapName);
            map.DeclaredKind = kind;
            map.DeclaredMaxEntries = (int)size.Value;
            _mapDeclarations[map] = declaration;
        }
    }

    /// <summary>Per-CPU kinds only make sense for aggregations, whose per-CPU values user space combines.</summary>
    private void CheckDeclaredMapKinds()
    {
        foreach (var (map, declaration) in _mapDeclarations)
        {
            if (map.DeclaredKind is MapKind.PerCpuHash or MapKind.PerCpuLruHash or MapKind.PerCpuArray && map.ValueType is not null && !map.IsAggregation)
                _diagnostics.Error(declaration.Span,
                    $"{map.Name} is declared {declaration.Kind} but holds a {TypeName(map.ValueType)}: per-CPU maps can only hold aggregations such as count() or sum()");
            if (map.IsPerCpuArray)
                CheckPerCpuArray(map, declaration);
            if (map.IsScalar && map.DeclaredMaxEntries != 1)
                _diagnostics.Warning(declaration.Span, $"{map.Name} has no keys: it holds one entry whatever size is declared");
        }
    }

    /// <summary>
    /// A percpuarray is indexed by one integer, 0..N-1 (a scalar map is index 0), and holds count, sum, min, max, avg
    /// or stats: hist and lhist keep one entry per bucket, which an array indexed by the script's key has no room for.
    /// </summary>
    private void CheckPerCpuArray(MapSymbol map, MapDeclaration declaration)
    {
        if (map.KeyTypes is { Count: > 0 } keys && (keys.Count != 1 || !keys[0].IsInteger))
            _diagnostics.Error(declaration.Span,
                $"{map.Name} is declared percpuarray but has keys [{string.Join(", ", keys.Select(k => TypeName(StorageType(k))))}]: an array is indexed by one integer, 0 to {map.DeclaredMaxEntries - 1}");
        if (map.ValueType is AggregationType { IsHistogram: true } histogram)
            _diagnostics.Error(declaration.Span,
                $"{map.Name} is declared percpuarray but holds a {histogram}: an array holds count(), sum(), min(), max(), avg() or stats(); declare it percpuhash for {histogram}()");
    }

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
        return new BoundLen(call.Span, GetMap(access.Name));
    }

    /// <summary>The first argument of a map function that takes a keyed map by name (<c>@m</c>, not <c>@m[k]</c>).</summary>
    private MapSymbol? KeyedMapArgument(CallExpression call)
    {
        if (call.Arguments[0] is not MapAccess { IsScalar: true } access)
        {
            _diagnostics.Error(call.Arguments[0].Span, $"{call.Name}() expects a map argument without keys, such as {call.Name}(@m, key)");
            return null;
        }
        var map = GetMap(access.Name);
        if (map.IsScalar)
        {
            _diagnostics.Error(call.Arguments[0].Span, $"{call.Name}() expects a map with keys; {map.Name} has none");
            return null;
        }
        return map;
    }
}
