using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Retval))]

namespace SharpTrace.Builtins;

/// <summary><c>retval</c>: the value a function returned, rax in pt_regs, in return probes only.</summary>
internal sealed class Retval : BuiltinVariable
{
    private const short AxOffset = 80; // struct pt_regs, x86-64

    public override string Name => "retval";
    public override BpfType Type => BpfType.UInt64;
    public override string AllowedProbes => "'kretprobe' and 'uretprobe' and 'kfunc'";

    public override bool IsAllowedIn(ProbeKind kind) => kind.Context.Retval == RetvalSource.Register;

    public override string NotAllowedHint(ProbeKind kind) => kind.Context.Args == ArgsSource.TracepointFormat ? " (try to use args->ret instead)" : "";

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Load(new PointerAddress(lowering.Ir.Context, AxOffset), IrInt.U64);
}
