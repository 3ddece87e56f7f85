using SharpTrace.Kernel;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Reg))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>reg("name")</c>: the register <c>name</c> as the probe found it, a uint64, as the newest bpftrace defines it:
/// read from the probe's <c>struct pt_regs</c> (kprobes, kretprobes, uprobes, uretprobes, usdt) or the perf event's
/// registers (profile, interval, software, hardware, watchpoint), at the offset x86-64's pt_regs keeps it. The name is
/// a string literal among the reference's x86-64 names; its errors are the reference's.
/// </summary>
internal sealed class Reg : BuiltinFunction
{
    /// <summary>x86-64's struct pt_regs, by bpftrace's names for its members.</summary>
    private static readonly Dictionary<string, short> Offsets = new()
    {
        ["r15"] = 0, ["r14"] = 8, ["r13"] = 16, ["r12"] = 24, ["bp"] = 32, ["bx"] = 40, ["r11"] = 48, ["r10"] = 56,
        ["r9"] = 64, ["r8"] = 72, ["ax"] = 80, ["cx"] = 88, ["dx"] = 96, ["si"] = 104, ["di"] = 112, ["orig_rax"] = 120,
        ["ip"] = 128, ["pc"] = 128, ["cs"] = 136, ["flags"] = 144, ["sp"] = 152, ["ss"] = 160,
    };

    public override string Name => "reg";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Any);

    // Every message was produced by bpftrace 0.17 for the same call (0.17 lacks the names orig_rax and pc).
    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var kind = context.ProbeKind;
        if (kind.ProgramType is not (BpfProgramType.Kprobe or BpfProgramType.PerfEvent) || kind.Run != ProbeRun.Attached)
        {
            // The newest's words name the probe kind as its provider: "begin" however the probe is written (0.17: "BEGIN").
            context.Diagnostics.ReportNotAllowedInProbe(call.Span, Name, kind.Name);
            return context.Error(call.Span);
        }
        if (call.Arguments[0] is not StringLiteral literal)
        {
            context.Diagnostics.Error(call.Span, $"{Name}() expects a string literal ({KindName(arguments[0]!.Type)} provided)");
            return context.Error(call.Span);
        }
        if (!System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.Equals(System.Runtime.InteropServices.Architecture.X64)
            || !Offsets.TryGetValue(literal.Value, out var offset))
        {
            context.Diagnostics.Error(call.Span, $"'{literal.Value}' is not a valid register on this architecture ({MachineName})");
            return context.Error(call.Span);
        }
        return new BoundReg(call.Span, offset);
    }

    private static string MachineName => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86_64",
        System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
        var other => other.ToString().ToLowerInvariant(),
    };
}

/// <summary>A bound <c>reg(name)</c>: one load from the context, where both pt_regs and perf events keep the registers.</summary>
internal sealed record BoundReg(TextSpan Span, short Offset) : BoundBuiltinCall(Span, BpfType.UInt64)
{
    internal override Operand? Lower(ProbeLowerer lowering) =>
        lowering.Ir.Load(new PointerAddress(lowering.Ir.Context, Offset), IrInt.U64);
}
