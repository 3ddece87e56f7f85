using SharpTrace.Probes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// What a builtin function sees of the binder: the probe being bound, the config, diagnostics, a way to bind its
/// arguments, the kernel's symbols (read once per compilation, when first asked for), a way to add an async action
/// (a record user space handles, such as <c>time()</c>'s) and get its id, the compilation's strftime() formats, and
/// <c>CannotRun</c> to record why the probe, though sound, cannot run on this machine (a kernel symbol it lacks), and
/// <c>BindFormat</c> to bind a printf-style format literal and its arguments as printf does (null after an error),
/// <c>Map</c> to find a map by name and <c>BindKeys</c> to bind an access's keys against the map's key type.
/// </summary>
internal sealed record BuiltinContext(
    ProbeKind ProbeKind,
    IReadOnlyList<ProbeSpec> AttachPoints,
    ProgramConfig Config,
    DiagnosticBag Diagnostics,
    Func<Expression, BoundExpression> Bind,
    Func<Kernel.Kallsyms> Kallsyms,
    Func<Func<int, Runtime.AsyncActionInfo>, int> AddAction,
    TimestampFormats TimestampFormats,
    Action<string> CannotRun,
    Func<CallExpression, FormatArguments?> BindFormat,
    Func<string, MapSymbol> Map,
    Func<MapSymbol, MapAccess, IReadOnlyList<BoundExpression>> BindKeys)
{
    /// <summary>An expression with an error already reported.</summary>
    public BoundExpression Error(TextSpan span) => new BoundErrorExpression(span);
}

/// <summary>A printf-style format literal with its bound arguments and the types their values are sent as.</summary>
internal sealed record FormatArguments(string Format, IReadOnlyList<BoundExpression> Arguments, IReadOnlyList<BpfType> Types);

/// <summary>
/// A builtin whose binding needs more than a fixed type: a function with arguments (<c>ksym(addr)</c>), or a name
/// that is both a variable and a function (<c>kstack</c>, <c>kstack(perf, 8)</c>), or one whose type depends on
/// the config or the probe (<c>func</c>). Semantics declares what the binder needs of one; each lives in its own
/// file of <c>Builtins/</c> with its type rule and lowering, and the composition root hands them to the binder
/// (<see cref="BuiltinCatalog"/>).
/// </summary>
internal abstract class BuiltinFunction
{
    public abstract string Name { get; }

    /// <summary>Whether the bare name, without parentheses, is the builtin too (<c>kstack</c>, <c>func</c>).</summary>
    public virtual bool IsVariable => false;

    /// <summary>Whether the call does something and has no value (<c>time()</c>): it may only be a statement.</summary>
    public virtual bool IsStatement => false;

    /// <summary>Whether the builtin may only be used with <c>--unsafe</c> (<c>system()</c>).</summary>
    public virtual bool IsUnsafe => false;

    /// <summary>
    /// Whether the call has from <paramref name="min"/> to <paramref name="max"/> arguments; if not, reports it in
    /// bpftrace's words ("requires one argument", "requires at least one argument", "takes up to 2 arguments").
    /// </summary>
    protected bool HasArgumentCount(CallExpression call, BuiltinContext context, int min, int max)
    {
        var count = call.Arguments.Count;
        if (count >= min && count <= max)
            return true;
        if (min == max)
            context.Diagnostics.ReportWrongArgumentCount(call.Span, Name, min, count);
        else if (count < min)
            context.Diagnostics.Error(call.Span, $"{Name}() requires at least {(min == 1 ? "one argument" : $"{min} arguments")} ({count} provided)");
        else
            context.Diagnostics.Error(call.Span, $"{Name}() takes up to {max} arguments ({count} provided)");
        return false;
    }

    /// <summary>The bound argument of a call that takes exactly one; null when the count is wrong or the argument has an error (both reported).</summary>
    protected BoundExpression? BindOnlyArgument(CallExpression call, BuiltinContext context)
    {
        if (!HasArgumentCount(call, context, 1, 1))
            return null;
        var argument = context.Bind(call.Arguments[0]);
        return argument.Type is ErrorType ? null : argument;
    }

    /// <summary>Binds a call; for a bare name, <paramref name="call"/> has no arguments and spans the name.</summary>
    public abstract BoundExpression Bind(CallExpression call, BuiltinContext context);

    /// <summary>bpftrace's word for the kind of a value in argument errors: "(string provided)", "got pointer".</summary>
    protected static string KindName(BpfType type) => type switch
    {
        PointerType => "pointer",
        StringType => "string",
        IntegerType => "integer",
        CValueType { CType.Resolved: Semantics.CTypes.CStructType s } => s.IsUnion ? "union" : "record",
        CValueType => "array",
        TupleType => "tuple",
        _ => type.ToString(),
    };
}
