using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>How a stack prints (<c>kstack(perf)</c>, config <c>stack_mode</c>).</summary>
public enum StackMode
{
    /// <summary>One indented <c>symbol+offset</c> per frame.</summary>
    Bpftrace,

    /// <summary>As perf script prints: a tab, the address in hex, the symbol (and for user frames the module).</summary>
    Perf,

    /// <summary>Addresses in hex only, one per line.</summary>
    Raw,

    /// <summary>
    /// User frames as the build id of their file and the offset in it (<c>ustack(build_id)</c>, the newest bpftrace's):
    /// 40 hex digits, a space and <c>0x</c> with the offset in hex; the address in hex where the kernel found no build id.
    /// </summary>
    BuildId,
}

/// <summary>One frame of a stack: its address and the symbol it resolved to (<c>do_syscall_64+527</c>, or the address as <c>0x…</c>).</summary>
public sealed record StackFrame(ulong Address, string Symbol)
{
    /// <summary>The symbol and the address in hex: <c>do_syscall_64+527 (0xffffffff81e3c3ef)</c>.</summary>
    public override string ToString() => $"{Symbol} (0x{Address:x})";
}

/// <summary>A kernel or user stack (<c>kstack</c>, <c>ustack</c>), innermost frame first, already symbolized.</summary>
public sealed record StackValue(IReadOnlyList<StackFrame> Frames, StackMode Mode = StackMode.Bpftrace) : RuntimeValue
{
    /// <summary>Frame indentation when the stack is a map key (<c>@[kstack]</c>).</summary>
    internal const int KeyIndent = 4;

    /// <summary>Frame indentation everywhere else: map values, printf's <c>%s</c>, print().</summary>
    internal const int ValueIndent = 8;

    /// <summary>
    /// The stack as bpftrace writes it: a newline, then one line per frame. bpftrace mode indents
    /// <c>symbol+offset</c> by <paramref name="indent"/> spaces; perf mode writes a tab, the hex address and the
    /// symbol; raw mode the hex address alone; build_id mode the frame's build id and offset (or its hex address), not
    /// indented either. A stack with no frames (none could be taken, as for <c>kstack</c> while
    /// the task ran in user space) is empty text: bpftrace prints <c>@[]: 32</c>.
    /// </summary>
    internal string Format(int indent)
    {
        if (Frames.Count == 0)
            return "";
        var text = new StringBuilder("\n");
        foreach (var frame in Frames)
        {
            var address = frame.Address.ToString("x", CultureInfo.InvariantCulture);
            _ = Mode switch
            {
                StackMode.Perf => text.Append('\t').Append(address).Append(' ').Append(frame.Symbol),
                StackMode.Raw => text.Append(address),
                StackMode.BuildId => text.Append(frame.Symbol),
                _ => text.Append(' ', indent).Append(frame.Symbol),
            };
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The frames, innermost first, on one line: <c>[do_sys_openat2+147, __x64_sys_openat+84]</c>.</summary>
    public override string ToString() => $"[{string.Join(", ", Frames.Select(f => f.Symbol))}]";

    /// <inheritdoc/>
    public bool Equals(StackValue? other) => other is not null && Mode == other.Mode && Frames.SequenceEqual(other.Frames);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Mode, Sequence.Hash(Frames));
}
