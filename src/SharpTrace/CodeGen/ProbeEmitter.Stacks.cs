using SharpTrace.Bpf;
using SharpTrace.Semantics;

namespace SharpTrace.CodeGen;

/// <summary>Map references for <c>kstack</c> and <c>ustack</c>.</summary>
internal sealed partial class ProbeEmitter
{
    /// <summary>The stack trace map that stacks of <paramref name="type"/> are recorded in.</summary>
    internal MapRef StackMap(StackType type) => _maps.StackMap(type);
}
