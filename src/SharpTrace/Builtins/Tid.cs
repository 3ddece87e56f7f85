using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Tid))]
[assembly: BuiltinProvider(typeof(TidCall))]

namespace SharpTrace.Builtins;

/// <summary><c>tid</c>: the thread id of the current task, as the tool's PID namespace sees it.</summary>
internal sealed class Tid : BuiltinVariable
{
    public override string Name => "tid";
    public override BpfType Type => BpfType.UInt32;

    internal override Operand? Lower(ProbeLowerer lowering) => PidNamespace.Lower(lowering, thread: true, init: false);
}

/// <summary><c>tid(curr_ns)</c>, <c>tid(init)</c>, <c>tid()</c>: the thread id, as <see cref="PidCall"/> for the process id.</summary>
internal sealed class TidCall : PidCall
{
    public override string Name => "tid";
    protected override bool IsThread => true;
}
