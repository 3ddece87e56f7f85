using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// <c>ctx</c> in probes whose context is a kernel struct (<see cref="ProbeKind.ContextStruct"/>): an iterator's
/// <c>struct bpf_iter__NAME *</c>, a kprobe's or uprobe's <c>struct pt_regs *</c>, a perf event's
/// <c>struct bpf_perf_event_data *</c>. Its members are read straight from the context, as the verifier demands; a pointer
/// member that is null (the iterator's last call, after the last object) ends the probe there, as bpftrace does.
/// </summary>
internal sealed partial class ExpressionBinder
{
    private BoundExpression BindContextPointer(Identifier identifier)
    {
        if (ContextStructType(identifier.Span) is not { } type)
            return Error(identifier.Span);
        return new BoundContextPointer(identifier.Span, new PointerType(type, IsUserSpace: false));
    }

    private BoundExpression BindContextField(FieldAccess access)
    {
        if (ContextStructType(access.Target.Span) is not CStructType type)
            return Error(access.Span);
        if (type.FindMember(access.Field) is not { } member)
        {
            _diagnostics.ReportUnknownField(access.Span, type.Name, access.Field);
            return Error(access.Span);
        }
        BpfType? valueType = member.Type.Resolved switch
        {
            CPointerType p => PointerTo(p.Target, p.IsUser),
            CIntegerType or CEnumType or CBoolType when !member.IsBitfield => ValueTypeOf(member.Type, false),
            _ => null,
        };
        if (valueType is null || member.BitOffset % 64 != 0)
        {
            _diagnostics.ReportUnsupported(access.Span, $"Reading a ctx field of type '{TypeNames.Of(member.Type)}'");
            return Error(access.Span);
        }
        return new BoundContextArgument(access.Span, member.Offset / 8, valueType) { EndsProbeIfNull = valueType is PointerType && _probeKind.ProgramType == Kernel.BpfProgramType.Tracing, IsContextMember = true };
    }

    /// <summary>
    /// <c>ctx->regs.ip</c>: a member of a struct member of the context (a perf event's <c>regs</c>), read straight from
    /// the context at the sum of the offsets. Null when the chain does not start at <c>ctx</c> or passes through a
    /// pointer (<c>ctx->task->pid</c>), which the ordinary member access reads.
    /// </summary>
    private BoundExpression? BindContextStructMember(FieldAccess access)
    {
        var chain = new List<FieldAccess>();
        Expression root = access;
        while (root is FieldAccess link)
        {
            chain.Add(link);
            root = link.Target;
        }
        if (root is not Identifier { Name: "ctx" } || _probeKind.ContextStruct(_probeSpecs[0]) is null)
            return null;
        chain.Reverse();
        if (ContextStructType(root.Span) is not CStructType type)
            return Error(access.Span);
        var offset = 0;
        CFieldLocation? member = null;
        foreach (var link in chain)
        {
            if (member is not null)
            {
                if (member.Type.Resolved is not CStructType inner)
                    return null;
                type = inner;
            }
            if (type.FindMember(link.Field) is not { } next)
            {
                _diagnostics.ReportUnknownField(link.Span, type.Name, link.Field);
                return Error(access.Span);
            }
            member = next;
            offset += next.Offset;
        }
        BpfType? valueType = member!.Type.Resolved switch
        {
            CPointerType p => PointerTo(p.Target, p.IsUser),
            CIntegerType or CEnumType or CBoolType when !member.IsBitfield => ValueTypeOf(member.Type, false),
            _ => null,
        };
        if (valueType is null || offset % 8 != 0)
        {
            _diagnostics.ReportUnsupported(access.Span, $"Reading a ctx field of type '{TypeNames.Of(member.Type)}'");
            return Error(access.Span);
        }
        return new BoundContextArgument(access.Span, offset / 8, valueType) { IsContextMember = true };
    }

    /// <summary>The struct <c>ctx</c> points to in this probe; null, with bpftrace's error, where there is none.</summary>
    private CStructType? ContextStructType(TextSpan span)
    {
        if (_probeKind.ContextStruct(_probeSpecs[0]) is not { } tag)
        {
            var kind = _probeKind.Run == ProbeRun.Attached ? _probeKind.Name : "special";
            if (_probeKind.ProgramType == Kernel.BpfProgramType.Tracepoint)
                _diagnostics.Error(span, "Use args instead of ctx in tracepoint");
            else
                _diagnostics.Error(span, $"The ctx builtin can not be used with '{kind}' probes");
            return null;
        }
        if (_context.Types.FindTagged("struct", tag)?.Resolved is not CStructType { IsComplete: true } type)
        {
            _diagnostics.ReportUnknownStruct(span, "struct " + tag);
            return null;
        }
        return type;
    }
}

/// <summary>The probe's context pointer itself (<c>ctx</c> as a value).</summary>
internal sealed record BoundContextPointer(TextSpan Span, PointerType PointerType) : BoundCall(Span, PointerType)
{
}
