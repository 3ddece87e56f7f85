namespace SharpTrace.Kernel.Elf.Cfi;

/// <summary>How a register of the caller is found (DWARF's register rules).</summary>
internal enum RegisterRuleKind
{
    /// <summary>No rule given: callee-saved registers keep their value, the return address is unknown.</summary>
    Unset,

    /// <summary>DW_CFA_undefined: the value is lost (the return address of the outermost frame).</summary>
    Undefined,

    /// <summary>DW_CFA_same_value.</summary>
    SameValue,

    /// <summary>Saved in memory at CFA + Offset.</summary>
    Offset,

    /// <summary>The value is CFA + Offset.</summary>
    ValueOffset,

    /// <summary>The value is in register Register.</summary>
    Register,

    /// <summary>Saved in memory at the address the expression computes (with the CFA pushed first).</summary>
    Expression,

    /// <summary>The value is what the expression computes (with the CFA pushed first).</summary>
    ValueExpression,
}

/// <summary>One register rule of a row of the call frame table.</summary>
internal readonly record struct RegisterRule(RegisterRuleKind Kind, long Offset = 0, int Register = 0, byte[]? Expression = null);

/// <summary>The CFA rule of a row: a register plus an offset, or an expression (<c>DW_CFA_def_cfa_expression</c>).</summary>
internal readonly record struct CfaRule(int Register, long Offset, byte[]? Expression = null)
{
    public bool IsExpression => Expression is not null;
}

/// <summary>
/// A row of the call frame table at one code address: how to compute the canonical frame address (the caller's
/// stack pointer before the call) and where the caller's registers are. Registers without a rule are absent.
/// </summary>
internal sealed class CfiRow
{
    public CfiRow(CfaRule cfa, Dictionary<int, RegisterRule> registers)
    {
        Cfa = cfa;
        Registers = registers;
    }

    public CfaRule Cfa { get; set; }

    public Dictionary<int, RegisterRule> Registers { get; }

    /// <summary>The rule of DWARF register <paramref name="register"/>, <see cref="RegisterRuleKind.Unset"/> when none.</summary>
    public RegisterRule Rule(int register) => Registers.TryGetValue(register, out var rule) ? rule : new RegisterRule(RegisterRuleKind.Unset);

    public CfiRow Clone() => new(Cfa, new Dictionary<int, RegisterRule>(Registers));
}

/// <summary>The DWARF register numbers of x86-64 the unwinder uses.</summary>
internal static class X64Registers
{
    public const int Rbx = 3;
    public const int Rbp = 6;
    public const int Rsp = 7;
    public const int ReturnAddress = 16;

    private static readonly string[] Names =
        ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"];

    /// <summary>The register's name as readelf prints it (<c>rsp</c>), <c>r17</c> and up for the rest.</summary>
    public static string Name(int register) => register >= 0 && register < Names.Length ? Names[register] : $"r{register}";
}
