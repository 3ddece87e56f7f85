using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Signal))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>signal(SIG)</c>, <c>signal(N)</c>: sends a signal to the process of the current task (<c>bpf_send_signal</c>),
/// with <c>--unsafe</c> only. The rules are the newest reference's (its <c>__signal</c> macro): the probe types that
/// may send one, a name (<c>"SIGUSR1"</c>, <c>"usr1"</c>, any case) or a literal from 1 to 64 checked when compiling,
/// any other integer checked when the probe runs (an <c>errorf</c> when out of range), and a <c>warnf</c> when the
/// kernel refuses. Compile-time errors are worded as bpftrace 0.17 words them, which has the function too.
/// </summary>
internal class Signal : BuiltinFunction
{
    public override string Name => "signal";

    public override bool IsStatement => true;

    /// <summary>The helper that sends it: to the process here, to the thread for <c>signal_thread</c>.</summary>
    private protected virtual HelperFunction Helper => HelperFunction.SendSignal;

    // The probe types the reference lets send a signal: those that run in the context of the task that hit them.
    private static readonly string[] AllowedProbeTypes =
        ["kprobe", "kretprobe", "uprobe", "uretprobe", "usdt", "tracepoint", "profile", "fentry", "fexit", "rawtracepoint"];

    // The names bpftrace knows, with their x86-64 numbers (signal(7)).
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["SIGHUP"] = 1, ["SIGINT"] = 2, ["SIGQUIT"] = 3, ["SIGILL"] = 4, ["SIGTRAP"] = 5, ["SIGABRT"] = 6, ["SIGBUS"] = 7,
        ["SIGFPE"] = 8, ["SIGKILL"] = 9, ["SIGUSR1"] = 10, ["SIGSEGV"] = 11, ["SIGUSR2"] = 12, ["SIGPIPE"] = 13,
        ["SIGALRM"] = 14, ["SIGTERM"] = 15, ["SIGCHLD"] = 17, ["SIGCONT"] = 18, ["SIGSTOP"] = 19, ["SIGTSTP"] = 20,
        ["SIGTTIN"] = 21, ["SIGTTOU"] = 22, ["SIGURG"] = 23, ["SIGXCPU"] = 24, ["SIGXFSZ"] = 25, ["SIGVTALRM"] = 26,
        ["SIGWINCH"] = 28, ["SIGPOLL"] = 29, ["SIGSYS"] = 31,
    };

    /// <summary>The number of a signal named as bpftrace accepts it (any case, with or without <c>SIG</c>); null if unknown.</summary>
    public static int? NumberOf(string name)
    {
        if (name.Length == 0)
            return null;
        var upper = name.ToUpperInvariant();
        if (upper[0] != 'S')
            upper = "SIG" + upper;
        return Numbers.TryGetValue(upper, out var number) ? number : null;
    }

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (!HasArgumentCount(call, context, 1, 1))
            return context.Error(call.Span);
        var name = Name + "()";
        if (!context.Config.Unsafe)
        {
            context.Diagnostics.Error(call.Span, $"{name} is an unsafe function being used in safe mode");
            return context.Error(call.Span);
        }
        if (!AllowedProbeTypes.Contains(context.ProbeKind.Name))
        {
            // The newest's words name the probe kind as its provider: "begin" however the probe is written (0.17: "BEGIN").
            var kind = context.ProbeKind.Name;
            context.Diagnostics.Error(call.Span, $"{Name} can not be used with \"{kind}\" probes");
            return context.Error(call.Span);
        }
        var argument = call.Arguments[0];
        BoundExpression number;
        var checkAtRunTime = false;
        switch (argument)
        {
            case StringLiteral text:
                if (NumberOf(text.Value) is not { } known)
                {
                    context.Diagnostics.Error(call.Span, $"{text.Value} is not a valid signal");
                    return context.Error(call.Span);
                }
                number = new BoundIntegerLiteral(argument.Span, known, BpfType.UInt32);
                break;
            case IntegerLiteral literal:
                if (literal.Value is < 1 or > 64)
                {
                    context.Diagnostics.Error(call.Span, $"{literal.Value} is not a valid signal, allowed range: [1,64]");
                    return context.Error(call.Span);
                }
                number = new BoundIntegerLiteral(argument.Span, (long)literal.Value, BpfType.UInt32);
                break;
            default:
                number = context.Bind(argument);
                if (number.Type is ErrorType)
                    return context.Error(call.Span);
                if (!number.Type.IsInteger)
                {
                    context.Diagnostics.Error(call.Span, $"{Name} only accepts string literals or integers");
                    return context.Error(call.Span);
                }
                checkAtRunTime = true;
                break;
        }
        var location = SourceLocation.Of(context.Diagnostics.Source, call.Span);
        var outOfRange = checkAtRunTime
            ? context.AddAction(id => new ScriptMessageAction(id, $"{name} expects an integer between 1 and 64 (inclusive). Got %d", [BpfType.UInt64], IsError: true, location))
            : -1;
        var failed = context.AddAction(id => new ScriptMessageAction(id, "signal call failed with error %d", [BpfType.Int64], IsError: false, location));
        return new BoundSignal(call.Span, Name, Helper, number, outOfRange, failed);
    }
}

/// <summary>
/// A bound <c>signal(N)</c> or <c>signal_thread(N)</c>: the number (a u32, as the helper takes it), the errorf action
/// for a number out of range (-1 when a literal was checked already), and the warnf action for a refusal.
/// </summary>
internal sealed record BoundSignal(TextSpan Span, string Function, HelperFunction Helper, BoundExpression Number, int OutOfRangeAction, int FailedAction)
    : BoundBuiltinCall(Span, BpfType.Void)
{
    public override string Description => $"Call {Function}";
    public override IReadOnlyList<BoundExpression> Operands => [Number];

    internal override bool LowerStatement(ProbeLowerer lowering)
    {
        var ir = lowering.Ir;
        var done = ir.NewLabel("signal_done");
        var number = ir.InRegister(ir.Binary(IrBinaryOp.And, lowering.LowerScalar(Number), new Imm(0xffffffff)));
        if (OutOfRangeAction >= 0)
        {
            var send = ir.NewLabel("signal_send");
            var bad = ir.NewLabel("signal_bad");
            ir.Branch(IrCondition.Eq, number, new Imm(0), bad);
            ir.Branch(IrCondition.Le, number, new Imm(64), send);
            ir.Mark(bad);
            lowering.LowerReservedRecord(OutOfRangeAction, record => ir.Store(new PointerAddress(record, Records.RecordLayout.IdSize), 8, number));
            ir.Goto(done);
            ir.Mark(send);
        }
        var result = ir.Call(Helper, number);
        ir.Branch(IrCondition.Eq, result, new Imm(0), done);
        lowering.LowerReservedRecord(FailedAction, record => ir.Store(new PointerAddress(record, Records.RecordLayout.IdSize), 8, result));
        ir.Mark(done);
        return true;
    }
}
