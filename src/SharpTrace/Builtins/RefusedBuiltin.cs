using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary>
/// A builtin of the reference that this kernel or build cannot run (<c>override</c>, <c>path</c>, <c>skboutput</c>,
/// <c>write_user</c>): the call is checked as the newest bpftrace checks it (argument count, the probe types that may
/// use it, <c>--unsafe</c>), in bpftrace 0.17's words where it has the function and the newest's otherwise, then refused with one error saying why it cannot run here.
/// </summary>
internal abstract class RefusedBuiltin : BuiltinFunction
{
    /// <summary>Fewest and most arguments.</summary>
    protected abstract (int Min, int Max) Arguments { get; }

    /// <summary>Whether it needs <c>--unsafe</c>, checked first, as bpftrace 0.17 does and in its words.</summary>
    protected virtual bool NeedsUnsafe => false;

    /// <summary>The error without <c>--unsafe</c>: bpftrace 0.17's.</summary>
    protected virtual string UnsafeMessage => $"{Name}() is an unsafe function being used in safe mode";

    /// <summary>The probe types that may use it, and the reference's message for others; null for any probe.</summary>
    protected virtual (string[] Kinds, string Message)? Probes => null;

    /// <summary>Why it cannot run here, the error given once the call is otherwise valid.</summary>
    protected abstract string Refusal { get; }

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (!HasArgumentCount(call, context, Arguments.Min, Arguments.Max))
            return context.Error(call.Span);
        if (NeedsUnsafe && !context.Config.Unsafe)
            context.Diagnostics.Error(call.Span, UnsafeMessage);
        else if (Probes is { } probes && !probes.Kinds.Contains(context.ProbeKind.Name))
            context.Diagnostics.Error(call.Span, probes.Message);
        else if (CheckArguments(call, context))
            context.Diagnostics.Error(call.Span, Refusal);
        return context.Error(call.Span);
    }

    /// <summary>Checks the arguments as the reference does; false after reporting an error.</summary>
    protected virtual bool CheckArguments(CallExpression call, BuiltinContext context)
    {
        foreach (var argument in call.Arguments)
        {
            if (context.Bind(argument).Type is ErrorType)
                return false;
        }
        return true;
    }
}
