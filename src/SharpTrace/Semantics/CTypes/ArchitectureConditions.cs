using System.Collections.Frozen;
using System.Runtime.InteropServices;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// How a header's conditions are decided: as far as the compiler's architecture macros decide them. A condition is
/// known only when it tests one of those macros (<c>#ifdef __i386__</c>, <c>#if defined(__ILP32__)</c>,
/// <c>#if !defined __x86_64__</c>, <c>#if __x86_64__</c>); any other condition (a header guard, a glibc feature
/// macro, a version test) is unknown, and <see cref="PreprocessorConditionals"/> reads an unknown branch, so that its
/// definitions stay visible. Holds no state: one instance serves every header.
/// </summary>
internal sealed class ArchitectureConditions : IConditionSource
{
    public static readonly ArchitectureConditions Instance = new();

    // Null on an architecture the table does not know: there every condition is unknown.
    private readonly FrozenSet<string>? _defined = DefinedOn(RuntimeInformation.ProcessArchitecture);

    private ArchitectureConditions()
    {
    }

    public ConditionTruth IsDefined(string name) =>
        _defined is null || !ArchitectureMacros.Contains(name) ? ConditionTruth.Unknown
        : _defined.Contains(name) ? ConditionTruth.True : ConditionTruth.False;

    // `defined(X)`, `defined X`, `!` before either, or a bare macro name (its value 1 when defined, 0 when not).
    public ConditionTruth Evaluate(string condition, int offset)
    {
        var t = condition.Trim();
        if (t.StartsWith('!'))
            return PreprocessorConditionals.Not(Evaluate(t[1..], offset));
        if (t.StartsWith("defined", StringComparison.Ordinal))
        {
            var operand = t["defined".Length..].Trim();
            if (operand.StartsWith('(') && operand.EndsWith(')'))
                operand = operand[1..^1].Trim();
            return IsName(operand) ? IsDefined(operand) : ConditionTruth.Unknown;
        }
        return IsName(t) ? IsDefined(t) : ConditionTruth.Unknown;
    }

    private static bool IsName(string text) =>
        text.Length > 0 && !char.IsAsciiDigit(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    // Every architecture macro the conditionals know: one the target does not define is known to be undefined.
    private static readonly FrozenSet<string> ArchitectureMacros = new[]
    {
        "__x86_64__", "__x86_64", "__amd64__", "__amd64", "__i386__", "__i386", "__ILP32__", "_ILP32", "__LP64__",
        "_LP64", "__aarch64__", "__arm__", "__powerpc__", "__powerpc64__", "__s390__", "__s390x__", "__riscv",
        "__mips__", "__sparc__", "__loongarch__",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static FrozenSet<string>? DefinedOn(Architecture architecture) => ((string[]?)(architecture switch
    {
        Architecture.X64 => new[] { "__x86_64__", "__x86_64", "__amd64__", "__amd64", "__LP64__", "_LP64" },
        Architecture.Arm64 => new[] { "__aarch64__", "__LP64__", "_LP64" },
        Architecture.X86 => new[] { "__i386__", "__i386" },
        Architecture.Arm => new[] { "__arm__" },
        Architecture.S390x => new[] { "__s390__", "__s390x__", "__LP64__", "_LP64" },
        Architecture.Ppc64le => new[] { "__powerpc__", "__powerpc64__", "__LP64__", "_LP64" },
        Architecture.RiscV64 => new[] { "__riscv", "__LP64__", "_LP64" },
        Architecture.LoongArch64 => new[] { "__loongarch__", "__LP64__", "_LP64" },
        _ => null,
    }))?.ToFrozenSet(StringComparer.Ordinal);
}
