using SharpTrace.Lowering;
using SharpTrace.Semantics;

namespace SharpTrace.Builtins;

/// <summary>
/// A builtin variable such as <c>pid</c> or <c>comm</c>: its name, its type, where it may be used and how it lowers.
/// Integer builtins lower to an IR operand (<c>Lower</c>); buffer builtins (strings) fill a slot.
/// </summary>
internal abstract class BuiltinVariable : IBuiltinVariable
{
    public abstract string Name { get; }

    public abstract BpfType Type { get; }

    /// <summary>The type when the script's C types are known: <c>curtask</c> is a <c>struct task_struct *</c> with BTF.</summary>
    public virtual BpfType TypeIn(Semantics.CTypes.CTypeTable types) => Type;

    /// <summary>Probe kinds where the variable has a meaning; all kinds unless overridden.</summary>
    public virtual bool IsAllowedIn(ProbeKind kind) => true;

    /// <summary>Where the variable may be used, in bpftrace's words for its error message (e.g. "'kretprobe' and 'uretprobe'"); null for the generic message.</summary>
    public virtual string? AllowedProbes => null;

    /// <summary>Advice appended to the not-allowed message in a probe of <paramref name="kind"/>, starting with a space; empty for none.</summary>
    public virtual string NotAllowedHint(ProbeKind kind) => "";

    /// <summary>The integer value in IR (integer builtins), or null when the builtin is not lowered yet.</summary>
    internal virtual Operand? Lower(ProbeLowerer lowering) => null;

    /// <summary>
    /// Writes the value into <paramref name="size"/> bytes of <paramref name="slot"/> at <paramref name="offset"/> in IR
    /// (buffer builtins); false when the builtin is not lowered yet.
    /// </summary>
    internal virtual bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size) => false;
}
