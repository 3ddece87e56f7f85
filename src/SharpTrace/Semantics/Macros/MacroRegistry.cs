using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics.Macros;

/// <summary>What a macro parameter takes, and what a call passes: a <c>$variable</c>, a <c>@map</c> or any expression.</summary>
internal enum MacroArgumentKind { Variable, Map, Expression }

/// <summary>
/// A script's macros by name. Several macros may share a name when their parameters differ (<c>add($x)</c>,
/// <c>add(@x)</c>, <c>add(x)</c>); a call takes the one whose parameters its arguments fit exactly, as bpftrace does.
/// </summary>
internal sealed class MacroRegistry
{
    // bpftrace weighs a wrong number of arguments far above a wrong kind, so that the closest definition is one of the right arity.
    private const int ArityWeight = 1024;

    private readonly Dictionary<string, List<MacroDefinition>> _byName = new(StringComparer.Ordinal);

    private MacroRegistry()
    {
    }

    /// <summary>The definitions, checked: a redefinition, a repeated parameter or a builtin as a parameter is reported and left out.</summary>
    public static MacroRegistry Create(IReadOnlyList<MacroDefinition> macros, DiagnosticBag diagnostics, Func<string, bool> isBuiltin)
    {
        var registry = new MacroRegistry();
        foreach (var macro in macros)
        {
            if (!HasValidParameters(macro, diagnostics, isBuiltin))
                continue;
            if (registry.Lookup(macro.Name, macro.Parameters.Select(KindOf).ToList()).Match is { } original)
            {
                diagnostics.ReportMacroRedefinition(macro.NameSpan, macro.Name, original.NameSpan);
                continue;
            }
            if (!registry._byName.TryGetValue(macro.Name, out var list))
                registry._byName[macro.Name] = list = [];
            list.Add(macro);
        }
        return registry;
    }

    /// <summary>Whether some macro has this name (a call of another name is a function call, not a macro's).</summary>
    public bool Defines(string name) => _byName.ContainsKey(name);

    /// <summary>
    /// The macro a call of <paramref name="name"/> with arguments of these kinds expands, or null; and otherwise the
    /// closest definition (fewest differences, the first defined among equals) for the error.
    /// </summary>
    public (MacroDefinition? Match, MacroDefinition? Closest) Lookup(string name, IReadOnlyList<MacroArgumentKind> arguments)
    {
        if (!_byName.TryGetValue(name, out var candidates))
            return (null, null);
        MacroDefinition? closest = null;
        var closestDistance = int.MaxValue;
        foreach (var macro in candidates)
        {
            var distance = Distance(macro, arguments);
            if (distance == 0)
                return (macro, macro);
            if (distance < closestDistance)
                (closest, closestDistance) = (macro, distance);
        }
        return (null, closest);
    }

    /// <summary>The kind a parameter takes, from its sigil.</summary>
    public static MacroArgumentKind KindOf(string parameter) => parameter[0] switch
    {
        '$' => MacroArgumentKind.Variable,
        '@' => MacroArgumentKind.Map,
        _ => MacroArgumentKind.Expression,
    };

    /// <summary>The kind of an argument: a bare variable, a bare map (no key), or any other expression.</summary>
    public static MacroArgumentKind KindOf(Expression argument) => argument switch
    {
        VariableExpression => MacroArgumentKind.Variable,
        MapAccess { IsScalar: true } => MacroArgumentKind.Map,
        _ => MacroArgumentKind.Expression,
    };

    // An expression parameter takes anything (a variable or map is read); a variable or map parameter only its kind.
    private static int Distance(MacroDefinition macro, IReadOnlyList<MacroArgumentKind> arguments)
    {
        var distance = ArityWeight * Math.Abs(macro.Parameters.Count - arguments.Count);
        for (var i = 0; i < Math.Min(macro.Parameters.Count, arguments.Count); i++)
        {
            var parameter = KindOf(macro.Parameters[i]);
            if (parameter != MacroArgumentKind.Expression && parameter != arguments[i])
                distance++;
        }
        return distance;
    }

    private static bool HasValidParameters(MacroDefinition macro, DiagnosticBag diagnostics, Func<string, bool> isBuiltin)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < macro.Parameters.Count; i++)
        {
            var parameter = macro.Parameters[i];
            var span = i < macro.ParameterSpans.Count ? macro.ParameterSpans[i] : macro.NameSpan;
            var kind = KindOf(parameter);
            if (kind == MacroArgumentKind.Expression && isBuiltin(parameter))
            {
                diagnostics.ReportBuiltinAsMacroParameter(span, parameter);
                return false;
            }
            if (!seen.Add(parameter))
            {
                diagnostics.ReportDuplicateMacroParameter(span, kind switch
                {
                    MacroArgumentKind.Variable => "Variable",
                    MacroArgumentKind.Map => "Map",
                    _ => "Ident",
                }, parameter);
                return false;
            }
        }
        return true;
    }
}
