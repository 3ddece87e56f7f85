using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Pid))]
[assembly: BuiltinProvider(typeof(PidCall))]

namespace SharpTrace.Builtins;

/// <summary><c>pid</c>: the process id (thread group id) of the current task, as the tool's PID namespace sees it.</summary>
internal sealed class Pid : BuiltinVariable
{
    public override string Name => "pid";
    public override BpfType Type => BpfType.UInt32;

    internal override Operand? Lower(ProbeLowerer lowering) => PidNamespace.Lower(lowering, thread: false, init: false);
}

/// <summary>
/// <c>pid(curr_ns)</c> and <c>pid(init)</c> (and <c>pid()</c>, which is <c>pid(curr_ns)</c>): the process id as the
/// tool's PID namespace or the initial one sees it; <c>tid(…)</c> is the same for the thread id.
/// </summary>
internal class PidCall : BuiltinFunction
{
    public override string Name => "pid";

    protected virtual bool IsThread => false;

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        if (call.Arguments.Count == 0)
            return new BoundPidCall(call.Span, IsThread, Init: false);
        // The words are the newest bpftrace's (0.17 has no pid()/tid() function).
        if (call.Arguments[0] is not Identifier mode)
        {
            context.Diagnostics.Error(call.Span, $"{Name}() only supports curr_ns and init as the argument");
            return context.Error(call.Span);
        }
        if (mode.Name is not ("curr_ns" or "init"))
        {
            context.Diagnostics.Error(mode.Span, $"Invalid PID namespace mode: {mode.Name} (expects: curr_ns or init)");
            return context.Error(call.Span);
        }
        return new BoundPidCall(call.Span, IsThread, Init: mode.Name == "init");
    }
}

/// <summary>A bound <c>pid(mode)</c> or <c>tid(mode)</c>: a uint32.</summary>
internal sealed record BoundPidCall(TextSpan Span, bool Thread, bool Init) : BoundBuiltinCall(Span, BpfType.UInt32)
{
    internal override Operand? Lower(ProbeLowerer lowering) => PidNamespace.Lower(lowering, Thread, Init);
}

/// <summary>
/// Process and thread ids as a PID namespace sees them. In the initial namespace (the tool's, or when asked for) they are
/// bpf_get_current_pid_tgid's halves; in another, bpf_get_ns_current_pid_tgid with the namespace's device and inode,
/// as bpftrace does.
/// </summary>
internal static class PidNamespace
{
    /// <summary>The initial PID namespace's inode (PROC_PID_INIT_INO in the kernel's proc_ns.h).</summary>
    private const ulong InitialInode = 0xeffffffc;

    public static Operand Lower(ProbeLowerer lowering, bool thread, bool init)
    {
        var ir = lowering.Ir;
        if (!init && FileIdentity.Of("/proc/self/ns/pid") is { } ns && ns.Inode != InitialInode)
        {
            // struct bpf_pidns_info { u32 pid; u32 tgid; }: the thread id first, then the process id.
            var info = ir.NewSlot(8);
            ir.Zero(info, 0, 8);
            ir.CallVoid(HelperFunction.GetNsCurrentPidTgid, new Imm(unchecked((long)ns.Device)), new Imm(unchecked((long)ns.Inode)),
                new StackAddress(info), new Imm(8));
            return ir.Load(new SlotAddress(info, thread ? 0 : 4), IrInt.U32);
        }
        var pidTgid = ir.Call(HelperFunction.GetCurrentPidTgid);
        return thread
            ? ir.Binary(IrBinaryOp.Shr, ir.Binary(IrBinaryOp.Shl, pidTgid, new Imm(32)), new Imm(32))
            : ir.Binary(IrBinaryOp.Shr, pidTgid, new Imm(32));
    }
}
