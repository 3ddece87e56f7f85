using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// <c>args.NAME</c> in probes whose context is the traced function's arguments as u64 words: rawtracepoint (the
/// tracepoint's prototype, <c>btf_trace_NAME</c>) and fentry/fexit (the function's prototype), both from BTF; and in
/// uprobes, whose arguments are registers, named and typed by the binary's DWARF.
/// </summary>
internal sealed partial class ExpressionBinder
{
    private BoundExpression BindBtfArgument(FieldAccess access)
    {
        var arguments = ArgumentsOf(_probeSpecs[0]);
        if (arguments is null && _probeKind.Context.Args == ArgsSource.DwarfFunction)
        {
            _diagnostics.Error(access.Target.Span, $"args in {_probeSpecs[0]} needs debug info (DWARF) for the function, which neither the binary nor a separate debug file has");
            return Error(access.Span);
        }
        if (arguments is null)
        {
            _diagnostics.Error(access.Target.Span, $"args in {_probeSpecs[0]} needs the kernel's BTF, which has no prototype for it");
            return Error(access.Span);
        }
        var index = arguments.ToList().FindIndex(p => p.Name == access.Field);
        if (index < 0)
        {
            _diagnostics.Error(access.Span, $"{_probeSpecs[0]} has no argument named '{access.Field}' (it has: {string.Join(", ", arguments.Select(a => a.Name))})");
            return Error(access.Span);
        }
        foreach (var other in _probeSpecs.Skip(1))
        {
            var otherArguments = ArgumentsOf(other);
            if (otherArguments is null || otherArguments.Count <= index || otherArguments[index] != arguments[index])
                _scope.NeedsProgramPerAttachPoint = true;
        }
        return ContextWord(access.Span, index, arguments[index].Type, "An argument");
    }

    /// <summary>
    /// <c>retval</c> in fexit: the word after the function's arguments, typed as the function returns; null when the
    /// function is not known (then retval is the usual error).
    /// </summary>
    private BoundExpression? BindFexitReturnValue(Identifier identifier)
    {
        if (_probeKind.Context.Retval != RetvalSource.BtfFunctionReturn || _kernel?.FindFunctionPrototype(_probeSpecs[0].Name) is not { } prototype)
            return null;
        if (prototype.ReturnType.Resolved is CVoidType)
        {
            _diagnostics.Error(identifier.Span, $"{_probeSpecs[0]} returns void: it has no retval");
            return Error(identifier.Span);
        }
        foreach (var other in _probeSpecs.Skip(1))
            if (_kernel.FindFunctionPrototype(other.Name) is not { } otherPrototype || otherPrototype != prototype)
                _scope.NeedsProgramPerAttachPoint = true;
        return ContextWord(identifier.Span, prototype.Parameters.Count, prototype.ReturnType, "A return value");
    }

    private BoundExpression ContextWord(TextSpan span, int index, CType cType, string what)
    {
        BpfType? type = cType.Resolved switch
        {
            CPointerType p => PointerTo(p.Target, p.IsUser),
            CIntegerType or CEnumType or CBoolType => ValueTypeOf(cType, false),
            _ => null,
        };
        if (type is null)
        {
            _diagnostics.ReportUnsupported(span, $"{what} of type '{TypeNames.Of(cType)}' passed by value");
            return Error(span);
        }
        return new BoundContextArgument(span, index, type);
    }

    /// <summary>
    /// <c>args</c> as a whole in a uprobe: a record of the function's parameters (<c>print(args)</c> prints
    /// <c>{ .n = 7, .p = 0x… }</c>), laid out as a C struct of them (<see cref="CTypes.DwarfTypes.ArgumentsRecord"/>),
    /// each read from its register when the record is built.
    /// </summary>
    private BoundExpression BindUprobeArgsRecord(Identifier identifier)
    {
        if (ArgumentsOf(_probeSpecs[0]) is not { } parameters)
        {
            _diagnostics.Error(identifier.Span, $"args in {_probeSpecs[0]} needs debug info (DWARF) for the function, which neither the binary nor a separate debug file has");
            return Error(identifier.Span);
        }
        foreach (var other in _probeSpecs.Skip(1))
            if (ArgumentsOf(other) is not { } otherParameters || !otherParameters.SequenceEqual(parameters))
                _scope.NeedsProgramPerAttachPoint = true;
        var fields = new List<BoundContextArgument>();
        for (var i = 0; i < parameters.Count; i++)
        {
            if (ContextWord(identifier.Span, i, parameters[i].Type, "A parameter") is not BoundContextArgument field)
                return Error(identifier.Span);
            fields.Add(field);
        }
        // One type per function for the whole compilation (every binding pass): a fresh struct type would never equal
        // the one a map or tuple took from the previous pass or from another use of args.
        if (_probeSpecs[0].DebugInfo?.ArgumentsRecord(_probeSpecs[0].Target, _probeSpecs[0].Name) is not { } record)
        {
            _diagnostics.Error(identifier.Span, $"args in {_probeSpecs[0]} needs debug info (DWARF) for the function, which neither the binary nor a separate debug file has");
            return Error(identifier.Span);
        }
        return new BoundArgumentsRecord(identifier.Span, fields, new CValueType(record, IsUserSpace: true));
    }

    private IReadOnlyList<CParameter>? ArgumentsOf(ProbeSpec spec) => spec.Kind.Context.Args switch
    {
        ArgsSource.BtfTracepoint => _kernel?.FindTracepointArguments(spec.Name),
        ArgsSource.BtfFunction => _kernel?.FindFunctionPrototype(spec.Name)?.Parameters,
        ArgsSource.DwarfFunction => spec.DebugInfo?.FunctionParameters(spec.Target, spec.Name),
        _ => null,
    };
}

/// <summary>
/// A uprobe's <c>args</c> as a whole: its parameters (<see cref="Fields"/>, in order) written one after the other
/// into a record of type <see cref="BoundExpression.Type"/>, a <see cref="CValueType"/> whose members say where.
/// </summary>
internal sealed record BoundArgumentsRecord(TextSpan Span, IReadOnlyList<BoundContextArgument> Fields, CValueType RecordType) : BoundCall(Span, RecordType)
{
}

/// <summary>Argument <see cref="Index"/> of a context that is an array of u64 words, narrowed to its C type.</summary>
internal sealed record BoundContextArgument(TextSpan Span, int Index, BpfType ArgumentType) : BoundCall(Span, ArgumentType)
{
    /// <summary>Whether the probe returns at once when the word is 0 (an iterator's <c>ctx</c> pointers, null on its last call).</summary>
    public bool EndsProbeIfNull { get; init; }

    /// <summary>
    /// Whether the word is a member of the context struct itself (<c>ctx->di</c> of a kprobe's pt_regs, a perf event's
    /// <c>sample_period</c>) at byte offset <c>Index * 8</c>, rather than the probe's <c>Index</c>th argument.
    /// </summary>
    public bool IsContextMember { get; init; }
}
