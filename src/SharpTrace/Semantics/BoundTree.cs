using SharpTrace.Syntax;

namespace SharpTrace.Semantics;

/// <summary>Base of the bound (typed) tree the binder produces from the syntax tree.</summary>
internal abstract record BoundNode(TextSpan Span);

internal abstract record BoundExpression(TextSpan Span, BpfType Type) : BoundNode(Span);

internal sealed record BoundIntegerLiteral(TextSpan Span, long Value, BpfType Type) : BoundExpression(Span, Type);

internal sealed record BoundStringLiteral(TextSpan Span, string Value)
    : BoundExpression(Span, new StringType(Output.RawText.GetByteCount(Value) + 1))
{
    /// <summary>The literal's bytes, without the terminating zero: UTF-8, and the bytes of <c>\xNN</c> escapes as written.</summary>
    public byte[] Bytes => Output.RawText.GetBytes(Value);
}

/// <summary>A builtin variable such as <c>pid</c> or <c>comm</c>; <see cref="Builtin"/> knows how to read it.</summary>
internal sealed record BoundBuiltinVariable(TextSpan Span, IBuiltinVariable Builtin, BpfType Type) : BoundExpression(Span, Type);

/// <summary>
/// A call of a builtin function (<c>has_key</c>, <c>ksym</c>, <c>strerror</c>…): the node is declared by the builtin
/// that binds it, in its own file, and carries its own code; Semantics sees only what the tree printer shows.
/// </summary>
internal abstract record BoundCall(TextSpan Span, BpfType Type) : BoundExpression(Span, Type)
{
    /// <summary>How <c>-d types</c> names the node; null for its type's name without "Bound".</summary>
    public virtual string? Description => null;

    /// <summary>The bound expressions <c>-d types</c> prints below the node.</summary>
    public virtual IReadOnlyList<BoundExpression> Operands => [];
}

/// <summary>A field of a tracepoint's arguments (<c>args.filename</c>), read from the probe context.</summary>
internal sealed record BoundTracepointField(TextSpan Span, Kernel.TracepointField Field, BpfType Type) : BoundExpression(Span, Type);

internal sealed record BoundMapRead(TextSpan Span, MapSymbol Map, IReadOnlyList<BoundExpression> Keys, BpfType Type) : BoundExpression(Span, Type);

internal sealed record BoundVariableRead(TextSpan Span, VariableSymbol Variable) : BoundExpression(Span, Variable.Type);
/// <summary><c>&amp;$x</c>: the address of the variable's stack slot.</summary>
internal sealed record BoundVariableAddress(TextSpan Span, VariableSymbol Variable, PointerType Pointer) : BoundExpression(Span, Pointer);

/// <summary><c>&amp;@m</c>: the kernel's address of the map itself (its <c>struct bpf_map</c>), typed as a pointer to its value.</summary>
internal sealed record BoundMapAddress(TextSpan Span, MapSymbol Map, PointerType Pointer) : BoundExpression(Span, Pointer);

/// <summary>An arithmetic or logical unary operator on an integer.</summary>
internal sealed record BoundUnary(TextSpan Span, BoundUnaryOperatorKind Operator, BoundExpression Operand, BpfType Type) : BoundExpression(Span, Type);

/// <summary>A binary operator whose kind the binder chose from the operand types (signedness included).</summary>
internal sealed record BoundBinary(TextSpan Span, BoundBinaryOperatorKind Operator, BoundExpression Left, BoundExpression Right, BpfType Type)
    : BoundExpression(Span, Type);

internal sealed record BoundTernary(TextSpan Span, BoundExpression Condition, BoundExpression WhenTrue, BoundExpression WhenFalse, BpfType Type)
    : BoundExpression(Span, Type);

internal sealed record BoundTuple(TextSpan Span, IReadOnlyList<BoundExpression> Elements, TupleType TupleType) : BoundExpression(Span, TupleType);

/// <summary>
/// <c>str(ptr)</c> or <c>str(ptr, len)</c>: copy a NUL-terminated string from user memory (<see cref="FromUserSpace"/>
/// true), kernel memory (false), or either (null: a plain integer outside uprobes, such as a syscall's filename pointer
/// kept in a map, read with bpf_probe_read_str as bpftrace 0.17 reads every str()). <see cref="MarksTruncation"/>: as
/// the newest reference does while max_strlen is under 1024, a string longer than the buffer fills all of it, with no
/// NUL, so that it prints with the <c>str_trunc_trailer</c>; otherwise the buffer always ends with a NUL.
/// </summary>
internal sealed record BoundStr(TextSpan Span, BoundExpression Pointer, BoundExpression? Length, bool? FromUserSpace, StringType StringType,
    bool MarksTruncation = false)
    : BoundExpression(Span, StringType);

/// <summary>A value-less call's result used as an expression (never read): the type of statements.</summary>
internal abstract record BoundStatement(TextSpan Span) : BoundNode(Span);

internal sealed record BoundBlock(TextSpan Span, IReadOnlyList<BoundStatement> Statements) : BoundStatement(Span);

internal sealed record BoundIf(TextSpan Span, BoundExpression Condition, BoundStatement Then, BoundStatement? Else) : BoundStatement(Span);

/// <summary>An expression evaluated for its effects (e.g. <c>@x[1]</c> alone, or <c>$x++</c>).</summary>
internal sealed record BoundExpressionStatement(TextSpan Span, BoundExpression Expression) : BoundStatement(Span);

internal sealed record BoundMapAssign(TextSpan Span, MapSymbol Map, IReadOnlyList<BoundExpression> Keys, BoundExpression Value) : BoundStatement(Span);

/// <summary><c>@m[k] = count()</c>, <c>@m = sum(x)</c> and friends: update one aggregation entry.</summary>
internal sealed record BoundAggregate(TextSpan Span, MapSymbol Map, IReadOnlyList<BoundExpression> Keys, AggregationType Type, BoundExpression? Argument)
    : BoundStatement(Span)
{
    public AggregationKind Kind => Type.Kind;
}

internal sealed record BoundVariableAssign(TextSpan Span, VariableSymbol Variable, BoundExpression Value) : BoundStatement(Span);

/// <summary>
/// A variable set to zero: a <c>let $x;</c> declared in a <c>for</c> body starts each iteration at zero, as in the newest
/// bpftrace (whose loop body is a callback that initializes its variables on entry), placed at the start of the body.
/// </summary>
internal sealed record BoundVariableReset(TextSpan Span, VariableSymbol Variable) : BoundStatement(Span);

/// <summary><c>printf(fmt, args...)</c>: <see cref="Action"/> identifies the format in the program's action table.</summary>
internal sealed record BoundPrintf(TextSpan Span, int Action, IReadOnlyList<BoundExpression> Arguments) : BoundStatement(Span);

internal sealed record BoundExit(TextSpan Span, BoundExpression? Code = null, int CodeAction = -1) : BoundStatement(Span);

/// <summary><c>clear(@m)</c>: every entry removed, in the kernel, at once.</summary>
internal sealed record BoundClear(TextSpan Span, MapSymbol Map) : BoundStatement(Span);

/// <summary><c>zero(@m)</c>: every entry kept, its value set to zero, in the kernel, at once.</summary>
internal sealed record BoundZero(TextSpan Span, MapSymbol Map) : BoundStatement(Span);

/// <summary><c>delete(@m, k)</c>, <c>delete(@m[k])</c>, <c>delete(@x)</c>: one entry removed.</summary>
internal sealed record BoundDelete(TextSpan Span, MapSymbol Map, IReadOnlyList<BoundExpression> Keys) : BoundStatement(Span)
{
    /// <summary>The run-time warning sent when the element does not exist (the value is discarded); -1 for none.</summary>
    public int MissingWarning { get; init; } = -1;
}

/// <summary><c>delete(@m, k)</c> used as a value: true when an element was deleted, false when there was none under the key.</summary>
internal sealed record BoundDeleteValue(TextSpan Span, MapSymbol Map, IReadOnlyList<BoundExpression> Keys) : BoundExpression(Span, BoolType.Instance);

/// <summary>
/// <c>print(@m, top, div)</c>: the map's entries as they are at the call; <see cref="Top"/> and <see cref="Div"/> are
/// set when they are computed at run time (the action's constants are used otherwise).
/// </summary>
internal sealed record BoundPrintMap(TextSpan Span, MapSymbol Map, int Action, BoundExpression? Top = null, BoundExpression? Div = null) : BoundStatement(Span);

/// <summary><c>print(value)</c> of a value that is not a whole map: <see cref="Action"/> sends it and prints it.</summary>
internal sealed record BoundPrintValue(TextSpan Span, int Action, BoundExpression Value) : BoundStatement(Span);

/// <summary>One probe's code; <see cref="AttachPoints"/> are already expanded and resolved.</summary>
internal sealed record BoundProbe(
    TextSpan Span,
    ProbeKind Kind,
    IReadOnlyList<ProbeSpec> AttachPoints,
    BoundExpression? Predicate,
    BoundBlock Body,
    IReadOnlyList<VariableSymbol> Variables) : BoundNode(Span)
{
    /// <summary>The name used for the kernel program and in error messages, e.g. <c>tracepoint:syscalls:sys_enter_openat</c>.</summary>
    public string Name => AttachPoints.Count > 0 ? AttachPoints[0].ToString() : Kind.ToString();

    /// <summary>Why this probe cannot run on this machine though it type-checks (<c>kaddr</c> of a symbol the kernel does not list), or null.</summary>
    public string? CannotRun { get; init; }

    /// <summary>
    /// An error at a place in the script that only compiling the probe for this kernel finds (<c>kaddr</c> of a symbol
    /// the kernel does not list), as the newest bpftrace's code generator reports it: the types still check.
    /// </summary>
    public Syntax.Diagnostic? CompileError { get; init; }
}

/// <summary>The checked program: its probes, maps, and the table of actions user space must carry out.</summary>
internal sealed record BoundProgram(
    IReadOnlyList<BoundProbe> Probes,
    IReadOnlyList<MapSymbol> Maps,
    IReadOnlyList<Records.AsyncAction> Actions,
    ProgramConfig Config)
{
    /// <summary>The named arguments the program's <c>getopt</c> calls define, by name.</summary>
    public IReadOnlyList<NamedArgument> NamedArguments { get; init; } = [];

    /// <summary>
    /// Whether every stack the program takes carries its number of frames above its id (<see cref="StackType"/>):
    /// only when the program asks a stack value for its length (<c>$s = ustack; len($s)</c>).
    /// </summary>
    public bool StacksCarryDepth { get; init; }
}
