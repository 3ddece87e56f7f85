using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>Builtins that bind themselves (<see cref="BuiltinFunction"/>): stacks, symbols, func.</summary>
internal sealed partial class ExpressionBinder
{
    /// <summary>Binds <c>name(...)</c>, or a bare <c>name</c> when <paramref name="call"/> has no parentheses, if a builtin function has that name.</summary>
    private BoundExpression? TryBindBuiltinFunction(CallExpression call, bool bareName, bool asStatement = false)
    {
        if (!_context.Builtins.TryGetFunction(call.Name, out var function) || (bareName && !function.IsVariable))
            return null;
        if (function.IsUnsafe && !_config.Unsafe)
        {
            // bpftrace stops at the literal check: a format's arguments are checked in a later pass it does not reach.
            _diagnostics.Error(call.Span, $"{call.Name}() is an unsafe function being used in safe mode");
            if (!asStatement)
                _diagnostics.Error(call.Span, $"{call.Name}() should not be used in an assignment or as a map key");
            else if (call.Arguments.Count == 0)
                _diagnostics.Error(call.Span, $"{call.Name}() requires at least one argument (0 provided)");
            else if (call.Arguments[0] is not StringLiteral)
                _diagnostics.Error(call.Span, $"{call.Name}() expects a string literal ({TypeNames.KindOf(BindExpression(call.Arguments[0]).Type)} provided)");
            return Error(call.Span);
        }
        if (function.IsStatement && !asStatement)
        {
            _diagnostics.Error(call.Span, $"{call.Name}() should not be used in an assignment or as a map key");
            return Error(call.Span);
        }
        var context = new BuiltinContext(_probeKind, _probeSpecs, _config, _diagnostics, BindExpression, _context.Kallsyms,
            _context.AddAction, _context.TimestampFormats, reason => _scope.CannotRun ??= reason, BindFormat, name => _maps.Get(name), BindKeys)
        {
            DefineNamedArgument = _context.NamedArguments.Define,
            KernelTypes = _context.Kernel,
            CarryStackDepths = _context.CarryStackDepths,
            CannotCompile = (span, message) => _scope.CompileError ??= new Syntax.Diagnostic(Syntax.DiagnosticSeverity.Error, _diagnostics.Source, span, message),
        };
        return function.Bind(call, context);
    }

    /// <summary>
    /// Whether a call gives no value (its type is void), as the newest bpftrace's functions that return nothing
    /// (type_resolver's VOID_RETURNING_FUNCS: print, printf, exit, clear, zero, join, system, cat, time...).
    /// </summary>
    public bool HasNoValue(CallExpression call) => call.Name is "print" or "printf" or "exit" or "clear" or "zero" or "join"
        or "system" or "cat" or "time" or "errorf" or "warnf" or "debugf" or "unwatch" or "fail";

    /// <summary>A builtin call that has no value (<c>time()</c>), used as a statement; null for other calls.</summary>
    public BoundStatement? TryBindBuiltinStatement(CallExpression call, Syntax.TextSpan span) =>
        _context.Builtins.TryGetFunction(call.Name, out var function) && function.IsStatement
            ? new BoundExpressionStatement(span, TryBindBuiltinFunction(call, bareName: false, asStatement: true)!)
            : null;

    private BoundExpression? TryBindBuiltinFunction(Identifier identifier) =>
        TryBindBuiltinFunction(new CallExpression(identifier.Span, identifier.Name, identifier.Span, []), bareName: true);

    /// <summary>
    /// <c>delete(@m, k)</c> (or the older <c>delete(@m[k])</c>) as a value, as the newest reference types it: a bool, true
    /// when an element was deleted. Deleting a whole map (<c>delete(@m)</c> of a keyed map) has no value.
    /// </summary>
    private BoundExpression BindDeleteValue(CallExpression call)
    {
        MapAccess? access = call.Arguments switch
        {
            [MapAccess entry] => entry,
            [MapAccess { IsScalar: true } target, var key] =>
                new MapAccess(target.Span, target.Name, key is TupleExpression tuple ? tuple.Elements : [key]),
            _ => null,
        };
        if (access is null)
        {
            _diagnostics.Error(call.Span, "delete() expects a map to be provided");
            return Error(call.Span);
        }
        var map = _maps.Get(access.Name);
        if (access.IsScalar && map.KeyTypes is { Count: > 0 })
        {
            _diagnostics.Error(call.Span, "delete() of a whole map should not be used in an assignment or as a map key");
            return Error(call.Span);
        }
        return new BoundDeleteValue(call.Span, map, BindKeys(map, access));
    }
}
