using SharpTrace.Output;

namespace SharpTrace.Semantics;

/// <summary>
/// The value of <c>kstack</c> or <c>ustack</c>: 8 bytes, the stack id bpf_get_stackid returned in the low half and,
/// for user stacks, the process id in the high half (user addresses mean nothing without their process).
/// The mode and depth are part of the type, so <c>kstack</c> and <c>kstack(perf)</c> are different map keys.
/// In a program that asks a stack value for its length (<see cref="BoundProgram.StacksCarryDepth"/>), a stack id that is not negative
/// (an error) keeps the number of frames above <see cref="IdBits"/>: ids are below the stack trace maps' size, and
/// equal ids are equal stacks of the same depth, so map keys stay what they were.
/// </summary>
internal sealed record StackType(bool IsUser, StackMode Mode, int Depth) : BpfType
{
    /// <summary>bpftrace's default depth, the kernel's default perf_event_max_stack.</summary>
    public const int DefaultDepth = 127;

    /// <summary>The deepest stack bpftrace accepts.</summary>
    public const int MaxDepth = 1024;

    /// <summary>The bits of the low half that hold the stack id; the number of frames may follow them.</summary>
    public const int IdBits = 16;

    /// <summary>The stack id in a value's low half: negative (no stack), or the id without the number of frames above it.</summary>
    public static int IdOf(uint low) => (int)low < 0 ? (int)low : (int)(low & ((1u << IdBits) - 1));

    /// <summary>
    /// A <c>dw_ustack</c>: unwound in user space from a copy of the stack. Its value is 16 bytes, the sample's id
    /// (the time in nanoseconds, then the process id and the CPU), which names the sample's record.
    /// </summary>
    public bool IsDwarf { get; init; }

    public override int Size => IsDwarf ? 16 : 8;

    /// <summary>A stack mode's name as scripts write it (<c>build_id</c>).</summary>
    public static string ModeName(StackMode mode) => mode == StackMode.BuildId ? "build_id" : mode.ToString().ToLowerInvariant();

    /// <summary>
    /// The newest bpftrace's name of the type, with its mode and depth (<c>kstack_bpftrace_127</c>,
    /// <c>ustack_perf_3</c>), so that messages tell stack types apart.
    /// </summary>
    public override string ToString() => $"{(IsDwarf ? "dw_ustack" : IsUser ? "ustack" : "kstack")}_{ModeName(Mode)}_{Depth}";

    /// <summary><c>kstack</c> for the default stack, else as a script writes it with its mode and depth (<c>ustack(perf, 3)</c>).</summary>
    public string Written
    {
        get
        {
            var name = IsDwarf ? "dw_ustack" : IsUser ? "ustack" : "kstack";
            return Mode == StackMode.Bpftrace && Depth == DefaultDepth ? name : $"{name}({ModeName(Mode)}, {Depth})";
        }
    }

    /// <summary>The kind of stack as the newest bpftrace words it in "(… provided)": <c>kstack</c> or <c>ustack</c>.</summary>
    public string Kind => IsUser ? "ustack" : "kstack";
}

/// <summary>The value of <c>ksym(addr)</c>: a kernel address, printed as the name of the symbol holding it.</summary>
internal sealed record KernelSymbolType : BpfType
{
    public static readonly KernelSymbolType Instance = new();
    public override int Size => 8;
    public override string ToString() => "ksym_t";
}

/// <summary>The value of <c>usym(addr)</c> and <c>func</c> in a uprobe: a user address and the process id (8 bytes each).</summary>
internal sealed record UserSymbolType : BpfType
{
    public static readonly UserSymbolType Instance = new();
    public override int Size => 16;
    public override int Alignment => 1;
    public override string ToString() => "usym_t";
}
