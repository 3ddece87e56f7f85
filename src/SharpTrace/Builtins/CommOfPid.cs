using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(CommOfPid))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>comm(pid)</c>: the name of the process with that pid, as the newest bpftrace defines it (its stdlib
/// <c>comm($pid)</c> macro): a <c>string[64]</c>, the task found with the <c>bpf_task_from_pid</c> kfunc, its
/// <c>comm</c> copied, the task released with <c>bpf_task_release</c>. A pid no task has gives <c>N/A</c> and a
/// run-time warning, <c>No such process (pid=N)</c>. Only where the probe's program type may call the kfunc (tracepoints,
/// kprobes, not BEGIN/END here); elsewhere the reference's error naming the probe type. <c>comm</c> and <c>comm()</c>
/// stay the builtin variable (<see cref="Comm"/>): a call without arguments binds it.
/// </summary>
internal sealed class CommOfPid : BuiltinFunction
{
    /// <summary>The reference's name buffer: <c>string[64]</c>, though the kernel keeps 16 bytes.</summary>
    public const int Length = 64;

    private const string FromPid = "bpf_task_from_pid";
    private const string Release = "bpf_task_release";

    // Macro hygiene, as find() names its variables: the pid is evaluated once, into a variable the warning reads again.
    private const string PidVariablePrefix = "$$comm_";

    public override string Name => "comm";

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var span = call.Span;
        if (call.Arguments.Count == 0)
            return context.Bind(new Identifier(span, "comm"));
        if (call.Arguments[0] is not VariableExpression { Name: var name } pidVariable || !name.StartsWith(PidVariablePrefix, StringComparison.Ordinal))
        {
            var variable = new VariableExpression(span, $"{PidVariablePrefix}{span.Start}_pid");
            var let = new LetStatement(span, variable.Name, null, call.Arguments[0]);
            return context.Bind(new BlockExpression(span, [let], call with { Arguments = [variable] }));
        }
        var pid = context.Bind(pidVariable);
        if (pid.Type is ErrorType)
            return context.Error(span);
        if (!pid.Type.IsInteger)
        {
            context.Diagnostics.Error(span, "Only integer supported for comm()'s pid");
            return context.Error(span);
        }
        var commOffset = (context.KernelTypes?.FindTagged("struct", "task_struct")?.Resolved as CStructType)?.FindMember("comm")?.Offset;
        var declared = context.KernelTypes?.FindFunctionPrototype(FromPid) is not null;
        var fromPid = declared ? KernelFunctionCalls.FunctionId(FromPid) : 0;
        var release = declared ? KernelFunctionCalls.FunctionId(Release) : 0;
        // As kfunc_allowed() answers: the kernel's types must declare the function, and the probe's program type call it.
        if (commOffset is null || !declared || fromPid == 0 || release == 0 || !KernelFunctionCalls.IsAllowed(FromPid, context.ProbeKind.ProgramType))
        {
            var type = context.ProbeKind.Name is "begin" or "end" ? "special" : context.ProbeKind.Name;
            context.Diagnostics.Error(span, $"Syntax comm(PID) is not supported in this probe type yet. Type: {type}");
            return context.Error(span);
        }
        var warnf = new CallExpression(span, "warnf", call.NameSpan, [new StringLiteral(span, "No such process (pid=%d)"), pidVariable]);
        if (context.Bind(new BlockExpression(span, [new ExpressionStatement(span, warnf)], null)) is not BoundBlockExpression warning)
            return context.Error(span);
        return new BoundCommOfPid(span, pid, new BoundBlock(span, warning.Statements), (int)fromPid, (int)release, commOffset.Value);
    }
}

/// <summary>A bound <c>comm(pid)</c>: the pid, the warning sent for a missing process, the kfuncs' BTF ids and where <c>task_struct</c> keeps <c>comm</c>.</summary>
internal sealed record BoundCommOfPid(TextSpan Span, BoundExpression Pid, BoundStatement Missing, int FromPidId, int ReleaseId, int CommOffset)
    : BoundBuiltinCall(Span, new StringType(CommOfPid.Length))
{
    public override string Description => "Call comm(pid)";

    public override IReadOnlyList<BoundExpression> Operands => [Pid];

    internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
    {
        var ir = lowering.Ir;
        var missing = ir.NewLabel("no_task");
        var end = ir.NewLabel("comm_end");
        var task = ir.Call(new KernelFunctionCallee("bpf_task_from_pid", FromPidId), lowering.LowerScalar(Pid));
        ir.Branch(IrCondition.Eq, task, new Imm(0), missing);
        var copied = Math.Min(size, Comm.Length);
        ir.CallVoid(HelperFunction.ProbeReadKernel, new StackAddress(slot, offset), new Imm(copied), ir.Binary(IrBinaryOp.Add, task, new Imm(CommOffset)));
        ir.CallVoid(new KernelFunctionCallee("bpf_task_release", ReleaseId), task);
        ir.Zero(slot, offset + copied, size - copied);
        ir.Goto(end);
        ir.Mark(missing);
        var name = new byte[size];
        "N/A"u8[..Math.Min(3, size - 1)].CopyTo(name);
        ir.Fill(slot, offset, name);
        lowering.LowerStatement(Missing);
        ir.Mark(end);
        return true;
    }
}
