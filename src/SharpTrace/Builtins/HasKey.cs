using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(HasKey))]

namespace SharpTrace.Builtins;

/// <summary><c>has_key(@m, k)</c> or <c>has_key(@m, (k1, k2))</c>: whether the keyed map has an entry for the key.</summary>
internal sealed class HasKey : BuiltinFunction
{
    public override string Name => "has_key";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (KeyedMapArgument(call, context) is not { } map)
            return context.Error(call.Span);
        var key = call.Arguments[1];
        var access = new MapAccess(call.Arguments[0].Span, map.Name, key is TupleExpression tuple ? tuple.Elements : [key]);
        return new BoundHasKey(call.Span, map, context.BindKeys(map, access));
    }

    /// <summary>The first argument: a keyed map by name (<c>@m</c>, not <c>@m[k]</c>); null after reporting anything else.</summary>
    private static MapSymbol? KeyedMapArgument(CallExpression call, BuiltinContext context)
    {
        if (call.Arguments[0] is not MapAccess { IsScalar: true } access)
        {
            context.Diagnostics.Error(call.Arguments[0].Span, $"{call.Name}() expects a map argument without keys, such as {call.Name}(@m, key)");
            return null;
        }
        var map = context.Map(access.Name);
        if (map.IsScalar)
        {
            context.Diagnostics.Error(call.Arguments[0].Span, $"call to {call.Name}() expects a map with explicit keys (non-scalar map)");
            return null;
        }
        return map;
    }
}

/// <summary>
/// <c>has_key(@m, k)</c>: 1 when the map has an entry for the key, else 0. Looks the key up in the kernel, so it sees
/// exactly the entries that exist at that point of the program (a deleted or cleared entry is gone at once).
/// </summary>
internal sealed record BoundHasKey(TextSpan Span, MapSymbol Map, IReadOnlyList<BoundExpression> Keys)
    : BoundBuiltinCall(Span, BoolType.Instance)
{
    internal override Lowering.Operand? Lower(Lowering.ProbeLowerer lowering) => lowering.LowerHasKey(Map, Keys);
}
