using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Find))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>find(@m, key, $v)</c>: true when the keyed map has an entry for the key, which is then copied into the variable
/// <c>$v</c>; false otherwise, leaving <c>$v</c> as it was, as the newest bpftrace defines it. Bound as the block
/// <c>{ let $k = key; let $f = has_key(@m, $k); if ($f) { $v = @m[$k]; } $f }</c> (a variable for each element of a tuple key), with variables of its own (named
/// as macro hygiene names them, after the call's place), so the key is evaluated once and <c>$v</c> takes the map's
/// value type as an assignment gives it.
/// </summary>
internal sealed class Find : BuiltinFunction
{
    public override string Name => "find";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax, ParameterKind.Syntax, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (call.Arguments[0] is not MapAccess { IsScalar: true } access)
        {
            context.Diagnostics.Error(call.Arguments[0].Span, "find() expects a map argument without keys, such as find(@m, key, $v)");
            return context.Error(call.Span);
        }
        if (context.Map(access.Name) is { IsScalar: true })
        {
            context.Diagnostics.Error(call.Arguments[0].Span, "call to find expects a map with explicit keys (non-scalar map)");
            return context.Error(call.Span);
        }
        if (call.Arguments[2] is not VariableExpression result)
        {
            context.Diagnostics.Error(call.Arguments[2].Span, "find() expects a variable as its third argument, such as find(@m, key, $v)");
            return context.Error(call.Span);
        }
        var span = call.Span;
        // A tuple key is several keys (has_key(@m, (k1, k2)) and @m[k1, k2] are the same entry): a variable each.
        var keyParts = call.Arguments[1] is TupleExpression tuple ? tuple.Elements : [call.Arguments[1]];
        var keys = keyParts.Select((_, i) => new VariableExpression(span, $"$$find_{span.Start}_key{i}")).ToList();
        var found = new VariableExpression(span, $"$$find_{span.Start}_found");
        var statements = keyParts.Select((part, i) => (Statement)new LetStatement(span, keys[i].Name, null, part)).ToList();
        Expression lookupKey = keys.Count == 1 ? keys[0] : new TupleExpression(span, keys);
        statements.Add(new LetStatement(span, found.Name, null, new CallExpression(span, "has_key", call.NameSpan, [access, lookupKey])));
        statements.Add(new IfStatement(span, found, new Block(span, [new AssignmentStatement(span, result, null, new MapAccess(span, access.Name, keys))]), null));
        var block = new BlockExpression(span, statements, found);
        return context.Bind(block);
    }
}
