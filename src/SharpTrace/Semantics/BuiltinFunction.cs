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
    Func<Func<int, Records.AsyncAction>, int> AddAction,
    TimestampFormats TimestampFormats,
    Action<string> CannotRun,
    Func<CallExpression, FormatArguments?> BindFormat,
    Func<string, MapSymbol> Map,
    Func<MapSymbol, MapAccess, IReadOnlyList<BoundExpression>> BindKeys)
{
    /// <summary>
    /// Defines a named argument (<c>getopt</c>); returns bpftrace's error when the name was defined differently.
    /// Null where named arguments cannot be defined.
    /// </summary>
    public Func<NamedArgument, string?>? DefineNamedArgument { get; init; }

    /// <summary>The kernel's C types and functions (BTF); null when the kernel has none.</summary>
    public CTypes.IKernelTypes? KernelTypes { get; init; }

    /// <summary>Makes every stack the program takes carry its number of frames: <c>len()</c> of a stack value asks for it.</summary>
    public Action CarryStackDepths { get; init; } = () => { };

    /// <summary>Records an error at a place in the script that stops the probe compiling for this kernel; the types still check.</summary>
    public Action<Syntax.TextSpan, string>? CannotCompile { get; init; }

    /// <summary>An expression with an error already reported.</summary>
    public BoundExpression Error(TextSpan span) => new BoundErrorExpression(span);
}

/// <summary>What the binder does with an argument of a builtin function before the function's own rule sees it.</summary>
internal enum ParameterKind
{
    /// <summary>Left unbound: the function reads the syntax itself (a map name, a literal, a stack mode).</summary>
    Syntax,

    /// <summary>Bound, of any type: the function checks it.</summary>
    Any,

    /// <summary>An integer; anything else is the newest bpftrace's argument check, "f() only supports int arguments (string provided)".</summary>
    Integer,

    /// <summary>
    /// An integer whose width the result takes (<c>bswap</c>); anything else is the newest bpftrace's type rule for it,
    /// "f() only supports integer arguments (string provided)".
    /// </summary>
    IntegerOperand,

    /// <summary>
    /// An argument the newest bpftrace's stdlib macro casts to <c>int32</c> (<c>strerror</c>, <c>signal_name</c>,
    /// <c>syscall_name</c>): an integer, or a bool or pointer cast to one; anything else is that cast's error,
    /// <c>Cannot cast from "string[2]" to "int32"</c>.
    /// </summary>
    Int32,

    /// <summary>An argument the newest bpftrace's stdlib macro casts to <c>uint64</c> (<c>memcmp</c>'s length), as <see cref="Int32"/>.</summary>
    UInt64,

    /// <summary>An integer or a pointer (an address); anything else is "f() expects an integer or pointer argument".</summary>
    IntegerOrPointer,
}

/// <summary>
/// What a builtin function takes, declared once in its file: the kinds of its arguments, of which the last
/// <see cref="Optional"/> may be left out. <see cref="BuiltinFunction.Bind(CallExpression, BuiltinContext)"/> checks
/// a call against it, in bpftrace's words, before the function binds what it was given.
/// </summary>
internal sealed record Signature(IReadOnlyList<ParameterKind> Parameters, int Optional = 0)
{
    /// <summary>Exactly these arguments.</summary>
    public static Signature Of(params ParameterKind[] parameters) => new(parameters);

    /// <summary>These arguments, the last <paramref name="optional"/> of which may be left out.</summary>
    public static Signature WithOptional(int optional, params ParameterKind[] parameters) => new(parameters, optional);

    public int Min => Parameters.Count - Optional;
    public int Max => Parameters.Count;
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
    /// The arguments the function takes, checked before <see cref="Bind(CallExpression, IReadOnlyList{BoundExpression?}, BuiltinContext)"/>
    /// runs; null for a function that checks its call itself (a printf-style format, <c>strftime</c>).
    /// </summary>
    public virtual Signature? Signature => null;

    /// <summary>
    /// Binds a call; for a bare name, <paramref name="call"/> has no arguments and spans the name. By default checks
    /// the call against <see cref="Signature"/> (count, then each argument's kind, in bpftrace's words) and hands the
    /// bound arguments to the function's own rule.
    /// </summary>
    public virtual BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        var signature = Signature ?? throw new InvalidOperationException($"{Name}() declares no signature and binds nothing");
        if (!HasArgumentCount(call, context, signature.Min, signature.Max))
            return context.Error(call.Span);
        var arguments = call.Arguments.Select((argument, i) => signature.Parameters[i] == ParameterKind.Syntax ? null : context.Bind(argument)).ToList();
        if (arguments.Any(a => a?.Type is ErrorType))
            return context.Error(call.Span);
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is not { } argument || Accepts(signature.Parameters[i], argument.Type))
                continue;
            if (signature.Parameters[i] is ParameterKind.Int32 or ParameterKind.UInt64)
            {
                var target = signature.Parameters[i] == ParameterKind.Int32 ? BpfType.Int32 : BpfType.UInt64;
                if (argument.Type is BoolType or PointerType)
                {
                    arguments[i] = new BoundCast(argument.Span, argument, target);
                    continue;
                }
                context.Diagnostics.ReportInvalidCast(call.Span, TypeNames.Of(argument.Type), target.ToString());
                return context.Error(call.Span);
            }
            context.Diagnostics.Error(call.Span, signature.Parameters[i] switch
            {
                ParameterKind.Integer => $"{Name}() only supports int arguments ({KindName(argument.Type)} provided)",
                ParameterKind.IntegerOperand => $"{Name}() only supports integer arguments ({KindName(argument.Type)} provided)",
                _ => $"{Name}() expects an integer or pointer argument",
            });
            return context.Error(call.Span);
        }
        return Bind(call, arguments, context);
    }

    /// <summary>
    /// The function's own rule, once the call matches <see cref="Signature"/>: <paramref name="arguments"/> are the
    /// call's, bound and of the declared kinds (null for <see cref="ParameterKind.Syntax"/> ones, and fewer when
    /// optional ones were left out).
    /// </summary>
    protected virtual BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context) =>
        throw new InvalidOperationException($"{Name}() declares a signature but no rule");

    private static bool Accepts(ParameterKind kind, BpfType type) => kind switch
    {
        ParameterKind.Integer or ParameterKind.IntegerOperand or ParameterKind.Int32 or ParameterKind.UInt64 => type is IntegerType,
        ParameterKind.IntegerOrPointer => type is IntegerType or PointerType,
        _ => true,
    };

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
            context.Diagnostics.Error(call.Span, $"{Name}() takes up to {(max == 1 ? "one argument" : $"{max} arguments")} ({count} provided)");
        return false;
    }

    /// <summary>
    /// The newest bpftrace's error for an argument that must be a string literal (<c>kaddr(1)</c>: "kaddr() expects a
    /// string literal (int provided)"), and for a positional parameter a second one at it, how to take it as a string.
    /// </summary>
    protected void ReportStringLiteralExpected(CallExpression call, Expression argument, BpfType type, BuiltinContext context)
    {
        if (type is ErrorType)
            return;
        context.Diagnostics.Error(call.Span, $"{Name}() expects a string literal ({TypeNames.KindOf(type)} provided)");
        if (argument is PositionalParameter parameter)
            context.Diagnostics.Error(parameter.Span, $"Use str(${parameter.Index}) to treat ${parameter.Index} as a string");
    }

    /// <summary>The newest bpftrace's word for the kind of a value in argument errors: "(string provided)", "(int provided)", "got pointer".</summary>
    protected static string KindName(BpfType type) => type switch
    {
        PointerType => "pointer",
        StringType => "string",
        IntegerType => "int",
        CValueType { CType.Resolved: Semantics.CTypes.CStructType s } => s.IsUnion ? "union" : "record",
        CValueType => "array",
        TupleType => "tuple",
        _ => type.ToString(),
    };
}
