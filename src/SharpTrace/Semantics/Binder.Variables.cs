using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// let declarations: a variable can be declared (with or without a type) before its first assignment.
internal sealed partial class Binder
{
    /// <summary>Variables of the current probe declared by <c>let $x;</c> without a type: the first assignment decides it.</summary>
    private readonly HashSet<VariableSymbol> _untypedVariables = [];

    private BoundStatement? BindLet(LetStatement let)
    {
        var declared = let.Type is null ? null : DeclaredType(let.Type);
        if (let.Value is not null)
        {
            var name = new VariableExpression(let.Span, let.Variable);
            if (declared is not null && !_variables.ContainsKey(let.Variable))
                _variables[let.Variable] = new VariableSymbol(let.Variable, declared) { IsAssigned = false };
            return AssignVariable(name, BindExpression(let.Value), let.Span);
        }
        if (_variables.ContainsKey(let.Variable))
            return null;
        var variable = new VariableSymbol(let.Variable, declared ?? BpfType.Int64) { IsAssigned = false };
        _variables[let.Variable] = variable;
        if (declared is null)
            _untypedVariables.Add(variable);
        return null;
    }

    /// <summary>The type a <c>let</c> declares: <c>int32</c>, <c>string</c>, <c>struct task_struct *</c>.</summary>
    private BpfType? DeclaredType(TypeSyntax syntax)
    {
        if (syntax is { Name: "string", PointerDepth: 0 })
            return new StringType(_config.MaxStrlen);
        if (ResolveType(syntax, syntax.Span) is not { } type)
            return null;
        return type.Resolved switch
        {
            CTypes.CPointerType p => new PointerType(p.Target, Probes.ProbeSpec.ReadsUserMemory(_probeKind) || p.IsUser),
            _ => ValueTypeOf(type, false) is IntegerType integer ? StorageType(integer) : null,
        };
    }

    /// <summary>The current type of a variable or map about to be incremented; null when it has none yet.</summary>
    private BpfType? IncrementedType(Expression target) => target switch
    {
        VariableExpression v => _variables.GetValueOrDefault(v.Name)?.Type,
        MapAccess m => _maps.Find(m.Name)?.ValueType,
        _ => null,
    };
}
