using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary>
/// A builtin the newest bpftrace writes as a macro of its standard library (<c>src/stdlib/*.bt</c>): a call with
/// the wrong number of arguments is worded as a call of a macro is ("Call to is_str() has arguments that do not match
/// any definition.", then the closest definition's arity, which bpftrace points at the macro in its library and we at
/// the call).
/// </summary>
internal abstract class StdlibMacro : BuiltinFunction
{
    /// <summary>How many parameters the reference's macro has.</summary>
    protected abstract int ParameterCount { get; }

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (call.Arguments.Count != ParameterCount)
        {
            context.Diagnostics.ReportMacroArgumentsMismatch(call.Span, Name);
            context.Diagnostics.ReportClosestMacroArity(call.Span, Name, ParameterCount, call.Arguments.Count);
            return context.Error(call.Span);
        }
        return BindMacro(call, context);
    }

    /// <summary>Binds a call with as many arguments as the macro has parameters.</summary>
    protected abstract BoundExpression BindMacro(CallExpression call, BuiltinContext context);
}

/// <summary>
/// <c>is_str(e)</c> and its siblings: a bool the compiler knows from the type of <c>e</c> alone, as the reference's
/// macros compare <c>typeinfo(e).base_type</c> (<c>e</c> is bound for its type, never evaluated).
/// </summary>
internal abstract class TypePredicate : StdlibMacro
{
    protected override int ParameterCount => 1;

    /// <summary>Whether a value of this type makes the predicate true.</summary>
    protected abstract bool Holds(BpfType type);

    protected override BoundExpression BindMacro(CallExpression call, BuiltinContext context)
    {
        var argument = context.Bind(call.Arguments[0]);
        return argument.Type is ErrorType ? context.Error(call.Span) : CompileTime.Bool(call.Span, Holds(argument.Type));
    }
}
