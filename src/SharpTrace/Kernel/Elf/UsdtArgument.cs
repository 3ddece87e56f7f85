using System.Globalization;

namespace SharpTrace.Kernel.Elf;

/// <summary>Where a USDT argument's value is: a constant in the spec, a register, or memory a register points near.</summary>
internal enum UsdtOperandKind
{
    /// <summary><c>$5</c>: the value itself.</summary>
    Constant,
    /// <summary><c>%eax</c>: the low <see cref="UsdtArgument.Size"/> bytes of a register.</summary>
    Register,
    /// <summary><c>-16(%rbp)</c>, <c>(%rax,%rdx,8)</c>: <see cref="UsdtArgument.Size"/> bytes at base + displacement + index × scale.</summary>
    Memory,
    /// <summary>
    /// <c>counter(%rip)</c>, <c>8+pair(%rip)</c>: <see cref="UsdtArgument.Size"/> bytes at the address of
    /// <see cref="UsdtArgument.Symbol"/> plus the displacement (the assembler made it relative to the instruction pointer).
    /// </summary>
    Symbol,
}

/// <summary>
/// An x86-64 register as a USDT spec names it (<c>%rax</c>, <c>%eax</c>, <c>%ax</c>, <c>%al</c>, <c>%ah</c>, <c>%r8d</c>):
/// the offset of its 64-bit slot in <c>struct pt_regs</c>, and where the named part starts in it (1 for <c>%ah</c>).
/// </summary>
internal sealed record UsdtRegister(string Name, int PtRegsOffset, int ByteOffset);

/// <summary>
/// One argument of a USDT probe as the SystemTap SDT notes write it for x86-64: <c>[-]SIZE@OPERAND</c>, SIZE the bytes
/// of the value (1, 2, 4, 8), negative when it is signed, and OPERAND in the assembler's AT&amp;T syntax: <c>$IMM</c>,
/// <c>%REG</c>, or <c>DISP(%BASE[,%INDEX[,SCALE]])</c>. The value is widened to 64 bits by its size and signedness.
/// </summary>
internal sealed record UsdtArgument(int Size, bool IsSigned, UsdtOperandKind Kind)
{
    // Offsets of the 64-bit registers in x86-64 struct pt_regs (arch/x86/include/asm/ptrace.h).
    private static readonly Dictionary<string, int> Slots = new(StringComparer.Ordinal)
    {
        ["r15"] = 0, ["r14"] = 8, ["r13"] = 16, ["r12"] = 24, ["rbp"] = 32, ["rbx"] = 40, ["r11"] = 48, ["r10"] = 56,
        ["r9"] = 64, ["r8"] = 72, ["rax"] = 80, ["rcx"] = 88, ["rdx"] = 96, ["rsi"] = 104, ["rdi"] = 112, ["rip"] = 128,
        ["rsp"] = 152,
    };

    /// <summary>The constant (<see cref="UsdtOperandKind.Constant"/>, already widened) or the displacement (<see cref="UsdtOperandKind.Memory"/>).</summary>
    public long Value { get; init; }

    /// <summary>The register read, or the memory operand's base register (null for an index-only address).</summary>
    public UsdtRegister? Base { get; init; }

    /// <summary>The memory operand's index register, or null.</summary>
    public UsdtRegister? Index { get; init; }

    /// <summary>The memory operand's scale (1, 2, 4 or 8).</summary>
    public int Scale { get; init; } = 1;

    /// <summary>The symbol a <see cref="UsdtOperandKind.Symbol"/> operand is at (the displacement is added to it).</summary>
    public string? Symbol { get; init; }

    /// <summary>The arguments of a note, separated by spaces; none for an empty text.</summary>
    public static IReadOnlyList<UsdtArgument> ParseAll(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();

    /// <summary>Parses one argument; throws <see cref="FormatException"/>, naming it, when it is not a form sharptrace reads.</summary>
    public static UsdtArgument Parse(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var size = 8;
        var signed = false;
        var operand = text;
        if (at >= 0)
        {
            if (!int.TryParse(text.AsSpan(0, at), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out size)
                || Math.Abs(size) is not (1 or 2 or 4 or 8))
                throw Unreadable(text, "its size is not 1, 2, 4 or 8 bytes");
            signed = size < 0;
            size = Math.Abs(size);
            operand = text[(at + 1)..];
        }

        if (operand.StartsWith('$'))
        {
            if (!TryParseNumber(operand[1..], out var constant))
                throw Unreadable(text, "its constant is not a number");
            return new UsdtArgument(size, signed, UsdtOperandKind.Constant) { Value = Widen(constant, size, signed) };
        }
        if (operand.StartsWith('%'))
            return new UsdtArgument(size, signed, UsdtOperandKind.Register) { Base = Register(operand, text) };

        var open = operand.IndexOf('(', StringComparison.Ordinal);
        if (open < 0 || !operand.EndsWith(')'))
            throw Unreadable(text, "its operand is neither a constant, a register nor a memory reference");
        long displacement = 0;
        string? symbol = null;
        if (open > 0 && !TryParseNumber(operand[..open], out displacement) && !TryParseSymbol(operand[..open], out symbol, out displacement))
            throw Unreadable(text, "its displacement is neither a number nor a symbol");
        var parts = operand[(open + 1)..^1].Split(',');
        if (parts.Length > 3)
            throw Unreadable(text, "its memory reference has more than base, index and scale");
        var scale = 1;
        if (parts.Length == 3 && (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out scale) || scale is not (1 or 2 or 4 or 8)))
            throw Unreadable(text, "its scale is not 1, 2, 4 or 8");
        var baseRegister = parts[0].Length == 0 ? null : Register(parts[0], text);
        if (baseRegister?.Name is "rip" or "eip")
        {
            // Relative to the instruction pointer, the assembler names the symbol it means; a bare number would need
            // the address of the instruction after the probe's, which the note does not give.
            if (symbol is null || parts.Length > 1)
                throw Unreadable(text, "it is relative to the instruction pointer without naming a symbol");
            return new UsdtArgument(size, signed, UsdtOperandKind.Symbol) { Value = displacement, Symbol = symbol };
        }
        if (symbol is not null)
            throw Unreadable(text, "its displacement is a symbol, but not relative to %rip");
        return new UsdtArgument(size, signed, UsdtOperandKind.Memory)
        {
            Value = displacement,
            Base = baseRegister,
            Index = parts.Length > 1 ? Register(parts[1], text) : null,
            Scale = scale,
        };
    }

    /// <summary>The spec as the note writes it, normalized (<c>-4@-16(%rbp)</c>).</summary>
    public override string ToString()
    {
        var prefix = (IsSigned ? "-" : "") + Size.ToString(CultureInfo.InvariantCulture) + "@";
        return Kind switch
        {
            UsdtOperandKind.Constant => $"{prefix}${Value.ToString(CultureInfo.InvariantCulture)}",
            UsdtOperandKind.Register => $"{prefix}%{Base!.Name}",
            UsdtOperandKind.Symbol => prefix + (Value != 0 ? Value.ToString(CultureInfo.InvariantCulture) + "+" : "") + Symbol + "(%rip)",
            _ => prefix + (Value != 0 ? Value.ToString(CultureInfo.InvariantCulture) : "")
                 + "(" + (Base is null ? "" : "%" + Base.Name)
                 + (Index is null ? "" : ",%" + Index.Name + (Scale != 1 ? "," + Scale.ToString(CultureInfo.InvariantCulture) : "")) + ")",
        };
    }

    /// <summary>The low <paramref name="size"/> bytes of <paramref name="value"/>, sign- or zero-extended to 64 bits.</summary>
    public static long Widen(long value, int size, bool signed)
    {
        if (size >= 8)
            return value;
        var shift = 64 - size * 8;
        return signed ? (value << shift) >> shift : (long)((ulong)(value << shift) >> shift);
    }

    private static UsdtRegister Register(string operand, string text)
    {
        var name = operand.TrimStart('%');
        if (!operand.StartsWith('%') || Slot(name) is not { } slot)
            throw Unreadable(text, $"'{operand}' is not an x86-64 register");
        return new UsdtRegister(name, slot.Offset, slot.ByteOffset);
    }

    // rax/eax/ax/al/ah, rsi/esi/si/sil, r8/r8d/r8w/r8b.
    private static (int Offset, int ByteOffset)? Slot(string name)
    {
        if (Slots.TryGetValue(name, out var offset))
            return (offset, 0);
        if (name.StartsWith('r') && name.Length > 1 && char.IsAsciiDigit(name[1]))
        {
            var stem = name.TrimEnd('d', 'w', 'b', 'l');
            return name.Length - stem.Length == 1 && Slots.TryGetValue(stem, out offset) ? (offset, 0) : null;
        }
        if (name.Length == 3 && name[0] == 'e' && Slots.TryGetValue("r" + name[1..], out offset))
            return (offset, 0);
        if (name.Length == 2 && Slots.TryGetValue("r" + name, out offset))
            return (offset, 0); // ax, si, bp, sp
        if (name.Length == 2 && name[1] is 'l' or 'h' && Slots.TryGetValue("r" + name[0] + "x", out offset))
            return (offset, name[1] == 'h' ? 1 : 0); // al, ah
        if (name.Length == 3 && name[2] == 'l' && Slots.TryGetValue("r" + name[..2], out offset))
            return (offset, 0); // sil, dil, bpl, spl
        return null;
    }

    // SYMBOL, SYMBOL+N, SYMBOL-N or N+SYMBOL, as gas writes a displacement naming a symbol.
    private static bool TryParseSymbol(string text, out string? symbol, out long displacement)
    {
        symbol = null;
        displacement = 0;
        var split = text.IndexOfAny(['+', '-'], 1);
        var (first, rest) = split < 0 ? (text, "") : (text[..split], text[split..]);
        if (IsSymbol(first) && (rest.Length == 0 || TryParseNumber(rest, out displacement)))
            symbol = first;
        else if (rest.StartsWith('+') && IsSymbol(rest[1..]) && TryParseNumber(first, out displacement))
            symbol = rest[1..];
        return symbol is not null;
    }

    private static bool IsSymbol(string text) =>
        text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] is '_' or '.' or '$')
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '$' or '@');

    private static bool TryParseNumber(string text, out long value)
    {
        var negative = text.StartsWith('-');
        var digits = negative || text.StartsWith('+') ? text[1..] : text;
        bool parsed;
        ulong magnitude;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            parsed = ulong.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude);
        else
            parsed = ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        value = negative ? unchecked(-(long)magnitude) : unchecked((long)magnitude);
        return parsed;
    }

    private static FormatException Unreadable(string text, string why) =>
        new($"USDT argument '{text}' cannot be read: {why}");
}
