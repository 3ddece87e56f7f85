using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(SocketCookie))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>socket_cookie(sk)</c>: the socket's cookie (<c>bpf_get_socket_cookie</c>), a uint64 the kernel assigns on first
/// use and keeps for the socket's life, 0 for a null socket. As in the newest bpftrace, only probes whose programs are
/// BPF_PROG_TYPE_TRACING (fentry, fexit, iter) may call it, since only those get the helper's pointer form, and the
/// argument is a <c>struct sock *</c>; this kernel refuses those programs (fentry's probe says so before loading).
/// </summary>
internal sealed class SocketCookie : BuiltinFunction
{
    public override string Name => "socket_cookie";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax);

    // The messages are the newest bpftrace's (its pre-type check and type checker).
    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (context.ProbeKind.ProgramType != BpfProgramType.Tracing)
        {
            // The newest's words name the probe kind as its provider: "begin" however the probe is written (0.17: "BEGIN").
            var kind = context.ProbeKind.Name;
            context.Diagnostics.ReportNotAllowedInProbe(call.Span, Name, kind);
            return context.Error(call.Span);
        }
        var socket = context.Bind(call.Arguments[0]);
        switch (socket.Type)
        {
            case ErrorType:
                return context.Error(call.Span);
            case PointerType { Target: var target } when target.Name == "struct sock":
                return new BoundSocketCookie(call.Span, socket);
            case PointerType { Target: var target }:
                context.Diagnostics.Error(call.Span, $"{Name}() only supports 'struct sock *' as the argument ('{target.Name} *' provided)");
                return context.Error(call.Span);
            case var other:
                context.Diagnostics.Error(call.Span, $"{Name}() only supports pointer arguments ({(other is IntegerType ? "int" : KindName(other))} provided)");
                return context.Error(call.Span);
        }
    }
}

/// <summary>A bound <c>socket_cookie(sk)</c>: one helper call on the socket pointer.</summary>
internal sealed record BoundSocketCookie(TextSpan Span, BoundExpression Socket) : BoundBuiltinCall(Span, BpfType.UInt64)
{
    public override IReadOnlyList<BoundExpression> Operands => [Socket];

    internal override Operand? Lower(ProbeLowerer lowering) =>
        lowering.Ir.Call(HelperFunction.GetSocketCookie, lowering.LowerScalar(Socket));
}
