using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics.Macros;

/// <summary>
/// Expands macro calls before binding, as bpftrace's macro expansion pass does: a call (<c>add(1)</c>, or a bare
/// <c>one</c> for a macro without parameters) becomes the macro's body as a block expression, its arguments
/// substituted. Macros are hygienic: a <c>$variable</c> parameter is the caller's variable (which the body may change),
/// a <c>@map</c> parameter the caller's map, an identifier parameter the argument expression (arguments expand first,
/// in the caller's scope); every other <c>$variable</c> of the body is renamed to one of the macro's own
/// (<c>$$name_$x</c>), and a map not passed in is an error, as is a variable the body reads but neither assigns nor
/// declares (bpftrace reads the caller's variable of that name; its documentation says only passed variables may be used). Nodes keep the spans they have in the macro, so an error in
/// an expanded body points into the macro; the block expression spans the call.
/// </summary>
internal sealed class MacroExpansion
{
    private readonly MacroRegistry _registry;
    private readonly DiagnosticBag _diagnostics;
    // The macros being expanded, outermost first, shared by the nested expansions (recursion is an error).
    private readonly List<MacroDefinition> _stack;
    // Set in a macro body: the caller's names for $variable and @map parameters, and the expressions passed for identifiers.
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _maps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Expression> _passed = new(StringComparer.Ordinal);
    // The variables a macro body assigns or declares: its own, the only ones besides its parameters it may name.
    private readonly HashSet<string> _ownVariables = new(StringComparer.Ordinal);
    private readonly bool _inMacro;
    // In a macro body: the calls this expansion comes from, innermost first (CallExpression.ExpandedFrom).
    private readonly IReadOnlyList<TextSpan> _expandedFrom;

    private MacroExpansion(MacroRegistry registry, DiagnosticBag diagnostics, List<MacroDefinition> stack, bool inMacro, IReadOnlyList<TextSpan> expandedFrom)
    {
        _registry = registry;
        _diagnostics = diagnostics;
        _stack = stack;
        _inMacro = inMacro;
        _expandedFrom = expandedFrom;
    }

    /// <summary>
    /// The program with every macro call in its probes expanded and without its macro definitions. Problems are
    /// reported to <paramref name="diagnostics"/>; <paramref name="isBuiltin"/> tells builtin variables, which may not name a parameter.
    /// </summary>
    public static ProgramNode Expand(ProgramNode root, DiagnosticBag diagnostics, Func<string, bool> isBuiltin)
    {
        if (root.Macros.Count == 0)
            return root;
        var registry = MacroRegistry.Create(root.Macros, diagnostics, isBuiltin);
        var expansion = new MacroExpansion(registry, diagnostics, [], inMacro: false, expandedFrom: []);
        var probes = root.Probes
            .Select(p => p with { Predicate = p.Predicate is null ? null : expansion.Rewrite(p.Predicate), Body = expansion.RewriteBlock(p.Body) })
            .ToList();
        return root with { Macros = [], Probes = probes };
    }

    private Block RewriteBlock(Block block) => block with { Statements = RewriteStatements(block.Statements) };

    private List<Statement> RewriteStatements(IEnumerable<Statement> statements) => statements.Select(RewriteStatement).ToList();

    private Statement RewriteStatement(Statement statement) => statement switch
    {
        Block b => RewriteBlock(b),
        // A call in a statement's place: the body's statements run there, its value (if any) is discarded.
        ExpressionStatement s => Rewrite(s.Expression) switch
        {
            BlockExpression b => new Block(b.Span, b.Value is { } value ? [.. b.Statements, new ExpressionStatement(value.Span, value)] : b.Statements),
            var e => s with { Expression = e },
        },
        AssignmentStatement s => s with { Target = Rewrite(s.Target), Value = Rewrite(s.Value) },
        LetStatement s => RewriteLet(s),
        IfStatement s => s with { Condition = Rewrite(s.Condition), Then = RewriteBlock(s.Then), Else = s.Else is null ? null : RewriteStatement(s.Else) },
        WhileStatement s => s with { Condition = Rewrite(s.Condition), Body = RewriteBlock(s.Body) },
        UnrollStatement s => s with { Count = Rewrite(s.Count), Body = RewriteBlock(s.Body) },
        ForMapStatement s => s with { Map = RewriteMap(s.Map), Variable = RenameVariable(s.Variable), Body = RewriteBlock(s.Body) },
        ForRangeStatement s => s with { Start = Rewrite(s.Start), End = Rewrite(s.End), Variable = RenameVariable(s.Variable), Body = RewriteBlock(s.Body) },
        ReturnStatement { Value: { } value } s => s with { Value = Rewrite(value) },
        _ => statement,
    };

    private Statement RewriteLet(LetStatement let)
    {
        var value = let.Value is null ? null : Rewrite(let.Value);
        let = let with { Type = let.Type is null ? null : RewriteType(let.Type) };
        if (_inMacro && _variables.ContainsKey(let.Variable))
        {
            _diagnostics.ReportDeclarationShadowsMacroArgument(let.Span, let.Variable);
            return let with { Value = value };
        }
        return let with { Variable = RenameVariable(let.Variable), Value = value };
    }

    private Expression Rewrite(Expression expression)
    {
        switch (expression)
        {
            case Identifier identifier when _passed.TryGetValue(identifier.Name, out var passed):
                return passed;
            case Identifier identifier when _registry.Defines(identifier.Name):
                return ExpandCall(identifier, identifier.Name, [], identifier.Span);
            case CallExpression call:
            {
                var arguments = call.Arguments.Select(Rewrite).ToList();
                var rewritten = _inMacro ? call with { Arguments = arguments, ExpandedFrom = _expandedFrom } : call with { Arguments = arguments };
                return _registry.Defines(call.Name) ? ExpandCall(rewritten, call.Name, arguments, call.Span) : rewritten;
            }
            case VariableExpression variable:
                if (_inMacro && !_variables.ContainsKey(variable.Name) && !_ownVariables.Contains(variable.Name))
                    _diagnostics.ReportUnhygienicVariableAccess(variable.Span, variable.Name);
                return variable with { Name = RenameVariable(variable.Name) };
            case MapAccess map:
                return RewriteMap(map);
            case UnaryExpression e:
                return e with { Operand = Rewrite(e.Operand) };
            case BinaryExpression e:
                return e with { Left = Rewrite(e.Left), Right = Rewrite(e.Right) };
            case TernaryExpression e:
            {
                // "a ?: b" keeps one node for both, as the parser gave it.
                var condition = Rewrite(e.Condition);
                var whenTrue = ReferenceEquals(e.WhenTrue, e.Condition) ? condition : Rewrite(e.WhenTrue);
                return e with { Condition = condition, WhenTrue = whenTrue, WhenFalse = Rewrite(e.WhenFalse) };
            }
            case IncrementExpression e:
                return e with { Target = Rewrite(e.Target) };
            case FieldAccess e:
                return e with { Target = Rewrite(e.Target) };
            case IndexExpression e:
                return e with { Target = Rewrite(e.Target), Index = Rewrite(e.Index) };
            case TupleExpression e:
                return e with { Elements = e.Elements.Select(Rewrite).ToList() };
            case RecordExpression e:
                return e with { Fields = e.Fields.Select(f => (f.Name, Rewrite(f.Value))).ToList() };
            case CastExpression e:
                return e with { Type = RewriteType(e.Type), Operand = Rewrite(e.Operand) };
            case TypeExpression e:
                return e with { Type = RewriteType(e.Type) };
            case SizeofExpression { Type: { } type } e:
                return e with { Type = RewriteType(type) };
            case SizeofExpression { Operand: { } operand } e when PassedType(operand) is { } type:
                return e with { Type = type, Operand = null };
            case OffsetofExpression { Type: { } type } e:
                return RewriteFieldPath(e with { Type = RewriteType(type) });
            case OffsetofExpression { Operand: { } operand } e when PassedType(operand) is { } type:
                return RewriteFieldPath(e with { Type = type, Operand = null });
            case SizeofExpression { Operand: { } operand } e:
                return e with { Operand = Rewrite(operand) };
            case OffsetofExpression { Operand: { } operand } e:
                return RewriteFieldPath(e with { Operand = Rewrite(operand) });
            case BlockExpression e:
                return e with { Statements = RewriteStatements(e.Statements), Value = e.Value is null ? null : Rewrite(e.Value) };
            default:
                return expression;
        }
    }

    /// <summary>
    /// A type written in the body (a cast's, a declaration's, sizeof's, offsetof's, typeof's) with the type arguments
    /// substituted: <c>t</c>, <c>t*</c> and <c>typeof(t)</c> for a parameter passed <c>typeof(uint64)</c>; <c>struct t</c>
    /// for one passed a bare name (<c>task_struct</c> or <c>typeof(task_struct)</c>). Outside a macro, and for types that
    /// name no parameter, only a typeof's expression is rewritten.
    /// </summary>
    private TypeSyntax RewriteType(TypeSyntax type)
    {
        if (type.Of is { } of)
            return PassedType(of) is { } passed ? passed with { Span = type.Span } : type with { Of = Rewrite(of) };
        if (!_inMacro)
            return type;
        var space = type.Name.IndexOf(' ', StringComparison.Ordinal);
        var parameter = space < 0 ? type.Name : type.Name[(space + 1)..];
        if (!_passed.TryGetValue(parameter, out var argument))
            return type;
        if (space < 0 && argument is TypeExpression { Type: var passedType })
        {
            if (Compose(passedType, type) is { } composed)
                return composed with { Span = type.Span };
        }
        else if (NamedBy(argument) is { } name)
            return type with { Name = space < 0 ? name : type.Name[..(space + 1)] + name };
        _diagnostics.ReportInvalidTypeParameterReplacement(argument.Span, _stack[^1].Name, parameter, type.Written);
        return type;
    }

    /// <summary>
    /// <c>offsetof(t, f)</c> with <c>f</c> a parameter: the field path passed (<c>x</c>, <c>a.b.c</c>), as bpftrace
    /// substitutes it; anything else passed there is its error.
    /// </summary>
    private OffsetofExpression RewriteFieldPath(OffsetofExpression offsetof)
    {
        if (!_inMacro || offsetof.FieldPath.Count != 1 || !_passed.TryGetValue(offsetof.FieldPath[0], out var argument))
            return offsetof;
        var path = new List<string>();
        var part = argument;
        while (part is FieldAccess access)
        {
            path.Insert(0, access.Field);
            part = access.Target;
        }
        if (part is Identifier name)
        {
            path.Insert(0, name.Name);
            return offsetof with { FieldPath = path };
        }
        if (argument is FieldAccess)
            _diagnostics.ReportOffsetofFieldPathNotIdentifiers(argument.Span);
        return offsetof;
    }

    /// <summary>The type an expression in a type's place stands for when it is a type argument (<c>t</c>, <c>t[2]</c>); null otherwise.</summary>
    private TypeSyntax? PassedType(Expression expression) => expression switch
    {
        Identifier identifier when _inMacro && _passed.GetValueOrDefault(identifier.Name) is TypeExpression passed => passed.Type with { Span = identifier.Span },
        IndexExpression { Index: IntegerLiteral length } index when PassedType(index.Target) is { ArrayLength: null, Of: null } element =>
            element with { Span = index.Span, ArrayLength = (int)Math.Min(length.Value, int.MaxValue) },
        _ => null,
    };

    /// <summary>The bare name an argument gives a <c>struct t</c> or a <c>t</c> written in the body: <c>task_struct</c>, <c>typeof(task_struct)</c>.</summary>
    private static string? NamedBy(Expression argument) => argument switch
    {
        Identifier identifier => identifier.Name,
        TypeExpression { Type: { Of: Identifier identifier } } => identifier.Name,
        TypeExpression { Type: { Of: null, PointerDepth: 0, ArrayLength: null } type } when !type.Name.Contains(' ', StringComparison.Ordinal) => type.Name,
        _ => null,
    };

    /// <summary>
    /// <paramref name="written"/> (<c>t</c>, <c>t*</c>, <c>t[2]</c>) with the passed type in <c>t</c>'s place; null when
    /// that makes a type we cannot write (an array of arrays, a pointer to a typeof of an expression).
    /// </summary>
    private static TypeSyntax? Compose(TypeSyntax passed, TypeSyntax written)
    {
        if (written is { PointerDepth: 0, ArrayLength: null, OuterPointerDepth: 0 })
            return passed;
        if (passed.Of is not null)
            return null;
        if (passed.ArrayLength is null)
            return written with { Name = passed.Name, PointerDepth = passed.PointerDepth + written.PointerDepth };
        if (written.ArrayLength is null)
            return passed with { OuterPointerDepth = passed.OuterPointerDepth + written.PointerDepth };
        return null;
    }

    private MapAccess RewriteMap(MapAccess map)
    {
        var rewritten = map with { Keys = map.Keys.Select(Rewrite).ToList() };
        if (!_inMacro)
            return rewritten;
        if (_maps.TryGetValue(map.Name, out var callerMap))
            return rewritten with { Name = callerMap };
        _diagnostics.ReportUnhygienicMapAccess(map.Span, map.Name);
        return rewritten;
    }

    // In a macro body: a $variable parameter is the caller's variable, any other variable the macro's own.
    private string RenameVariable(string name)
    {
        if (!_inMacro)
            return name;
        if (_variables.TryGetValue(name, out var callerVariable))
            return callerVariable;
        // bpftrace's names: $$add_$x in a macro called from a probe, $$add_2_$x one level deeper.
        var macro = _stack[^1];
        return "$$" + macro.Name + (_stack.Count == 1 ? "" : "_" + _stack.Count) + "_" + name;
    }

    /// <summary>The expansion of a call (or a bare identifier naming a macro), or the call itself after reporting why not.</summary>
    private Expression ExpandCall(Expression call, string name, IReadOnlyList<Expression> arguments, TextSpan span)
    {
        var (macro, closest) = _registry.Lookup(name, arguments.Select(MacroRegistry.KindOf).ToList());
        if (macro is null)
        {
            if (closest is not null)
                ReportMismatch(closest, name, arguments, span);
            return call;
        }
        var index = _stack.IndexOf(macro);
        if (index >= 0)
        {
            _diagnostics.ReportRecursiveMacroCall(span, [.. _stack.Skip(index).Select(m => m.Name), macro.Name]);
            return call;
        }
        _stack.Add(macro);
        try
        {
            return new MacroExpansion(_registry, _diagnostics, _stack, inMacro: true, expandedFrom: [span, .. _expandedFrom]).ExpandBody(macro, arguments, span);
        }
        finally
        {
            _stack.RemoveAt(_stack.Count - 1);
        }
    }

    private Expression ExpandBody(MacroDefinition macro, IReadOnlyList<Expression> arguments, TextSpan span)
    {
        for (var i = 0; i < macro.Parameters.Count; i++)
        {
            var parameter = macro.Parameters[i];
            switch (MacroRegistry.KindOf(parameter))
            {
                case MacroArgumentKind.Variable:
                    _variables[parameter] = ((VariableExpression)arguments[i]).Name;
                    break;
                case MacroArgumentKind.Map:
                    _maps[parameter] = ((MapAccess)arguments[i]).Name;
                    break;
                default:
                    _passed[parameter] = arguments[i] is TypeExpression { Type.Of: Identifier name } type
                        // typeof(mytype): a bare name in a type argument is a type's name, as bpftrace reads it.
                        ? type with { Type = new TypeSyntax(type.Type.Span, name.Name, 0, null) }
                        : arguments[i];
                    break;
            }
        }
        var body = macro.Body.Statements;
        CollectOwnVariables(body);
        var statements = RewriteStatements(macro.HasValue ? body.Take(body.Count - 1) : body);
        var value = macro.HasValue ? Rewrite(((ExpressionStatement)body[^1]).Expression) : null;
        // A body that is just a value is that value: `add1(x)` is `x + 1`, which later checks see as written.
        return statements.Count == 0 && value is not null ? value : new BlockExpression(span, statements, value);
    }

    private void CollectOwnVariables(IEnumerable<Statement> statements)
    {
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case Block b:
                    CollectOwnVariables(b.Statements);
                    break;
                case AssignmentStatement { Target: VariableExpression v }:
                    _ownVariables.Add(v.Name);
                    break;
                case LetStatement s:
                    _ownVariables.Add(s.Variable);
                    break;
                case IfStatement s:
                    CollectOwnVariables(s.Else is null ? [s.Then] : [s.Then, s.Else]);
                    break;
                case WhileStatement s:
                    CollectOwnVariables(s.Body.Statements);
                    break;
                case UnrollStatement s:
                    CollectOwnVariables(s.Body.Statements);
                    break;
                case ForMapStatement s:
                    _ownVariables.Add(s.Variable);
                    CollectOwnVariables(s.Body.Statements);
                    break;
                case ForRangeStatement s:
                    _ownVariables.Add(s.Variable);
                    CollectOwnVariables(s.Body.Statements);
                    break;
            }
        }
    }

    private void ReportMismatch(MacroDefinition closest, string name, IReadOnlyList<Expression> arguments, TextSpan span)
    {
        _diagnostics.ReportMacroArgumentsMismatch(span, name);
        if (closest.Parameters.Count != arguments.Count)
        {
            _diagnostics.ReportClosestMacroArity(closest.NameSpan, closest.Name, closest.Parameters.Count, arguments.Count);
            return;
        }
        for (var i = 0; i < arguments.Count; i++)
        {
            var parameter = closest.Parameters[i];
            var expected = MacroRegistry.KindOf(parameter);
            var actual = MacroRegistry.KindOf(arguments[i]);
            if (expected == MacroArgumentKind.Expression || expected == actual)
                continue;
            _diagnostics.ReportMismatchedMacroArgument(arguments[i].Span, closest.Name,
                expected == MacroArgumentKind.Map ? "a map" : "a variable", parameter,
                actual switch { MacroArgumentKind.Map => "a map", MacroArgumentKind.Variable => "a variable", _ => "an expression" },
                i < closest.ParameterSpans.Count ? closest.ParameterSpans[i] : closest.NameSpan);
        }
    }
}
