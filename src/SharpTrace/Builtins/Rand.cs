using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Rand))]

namespace SharpTrace.Builtins;

/// <summary><c>rand</c>: a pseudo-random 32-bit number.</summary>
internal sealed class Rand : BuiltinVariable
{
    public override string Name => "rand";
    public override BpfType Type => BpfType.UInt32;

    internal override Operand? Lower(ProbeLowerer lowering) => lowering.Ir.Call(HelperFunction.GetPrandomU32);
}
