using SharpTrace.Bpf;
using SharpTrace.Lowering;

namespace SharpTrace.CodeGen;

/// <summary>
/// The per-CPU array where a compilation keeps the slots too large for a function's 512 bytes of stack. Each function
/// that needs it (a probe, a callback) has its own entry, so a callback never overwrites its caller's slots; the
/// value is as large as the largest function's need.
/// </summary>
internal sealed class ScratchSpace
{
    /// <summary>The kernel's limit on a per-CPU map value (PCPU_MIN_UNIT_SIZE).</summary>
    public const int MaxValueSize = 32768;

    public MapRef Ref { get; } = new("scratch");

    /// <summary>Entries handed out so far; the map has this many.</summary>
    public int Entries { get; private set; }

    /// <summary>The bytes the largest entry needs (8-byte aligned).</summary>
    public int ValueSize { get; private set; }

    /// <summary>The map as an IR operation names it (its sizes matter only to the kernel).</summary>
    public LoweredMap Map => new(Ref, LoweredMapRole.Builtin, 4, ValueSize);

    /// <summary>A new entry, for one function.</summary>
    public int NewEntry() => Entries++;

    /// <summary>Makes every entry at least <paramref name="bytes"/> long.</summary>
    public void Require(int bytes) => ValueSize = Math.Max(ValueSize, bytes);
}
