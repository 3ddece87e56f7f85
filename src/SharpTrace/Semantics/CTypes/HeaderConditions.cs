using System.Collections.Frozen;
using System.Runtime.InteropServices;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// The conditionals of one header file, as far as the compiler's architecture macros decide them. A condition is
/// known only when it tests one of those macros (<c>#ifdef __i386__</c>, <c>#if defined(__ILP32__)</c>,
/// <c>#if !defined __x86_64__</c>, <c>#if __x86_64__</c>); any other condition (a header guard, a glibc feature
/// macro, a version test) is unknown, and an unknown branch is read, as before, so that its definitions stay visible.
/// A branch is skipped only when it is known not to be taken.
/// </summary>
internal sealed class HeaderConditions
{
    private enum Truth { False, True, Unknown }

    // Current: whether this branch is read. Condition: its own condition. Closed: a condition so far is known true,
    // so no later branch is taken. Maybe: a condition so far is unknown, so a later true one is only maybe taken.
    private sealed record Frame(Truth Current, Truth Condition, bool Closed, bool Maybe);

    private readonly Stack<Frame> _frames = new();
    // Null on an architecture the table does not know: there every condition is unknown.
    private readonly FrozenSet<string>? _defined = DefinedOn(RuntimeInformation.ProcessArchitecture);

    /// <summary>Whether the lines here are read: no enclosing branch is known not to be taken.</summary>
    public bool Active => _frames.All(f => f.Current != Truth.False);

    /// <summary>
    /// Takes a conditional directive (<c>if ifdef ifndef elif else endif</c>) and returns true; false for any other
    /// directive, which the caller handles when <see cref="Active"/>.
    /// </summary>
    public bool Directive(string word, string rest)
    {
        switch (word)
        {
            case "if":
                Push(Condition(rest));
                return true;
            case "ifdef":
                Push(Defined(FirstWord(rest)));
                return true;
            case "ifndef":
                Push(Not(Defined(FirstWord(rest))));
                return true;
            case "elif":
            case "else":
                if (_frames.Count == 0)
                    return true;
                var frame = _frames.Pop();
                var closed = frame.Closed || frame.Condition == Truth.True;
                var maybe = frame.Maybe || frame.Condition == Truth.Unknown;
                var condition = word == "else" ? Truth.True : Condition(rest);
                var current = closed ? Truth.False : condition == Truth.True && maybe ? Truth.Unknown : condition;
                _frames.Push(new Frame(current, condition, closed, maybe));
                return true;
            case "endif":
                if (_frames.Count > 0)
                    _frames.Pop();
                return true;
            default:
                return false;
        }
    }

    private void Push(Truth condition) => _frames.Push(new Frame(condition, condition, false, false));

    private static Truth Not(Truth t) => t switch { Truth.True => Truth.False, Truth.False => Truth.True, _ => Truth.Unknown };

    // `defined(X)`, `defined X`, `!` before either, or a bare macro name (its value 1 when defined, 0 when not).
    private Truth Condition(string text)
    {
        var t = text.Trim();
        if (t.StartsWith('!'))
            return Not(Condition(t[1..]));
        if (t.StartsWith("defined", StringComparison.Ordinal))
        {
            var operand = t["defined".Length..].Trim();
            if (operand.StartsWith('(') && operand.EndsWith(')'))
                operand = operand[1..^1].Trim();
            return IsName(operand) ? Defined(operand) : Truth.Unknown;
        }
        return IsName(t) ? Defined(t) : Truth.Unknown;
    }

    private Truth Defined(string name) =>
        _defined is null || !ArchitectureMacros.Contains(name) ? Truth.Unknown : _defined.Contains(name) ? Truth.True : Truth.False;

    private static string FirstWord(string rest)
    {
        var end = 0;
        while (end < rest.Length && (char.IsAsciiLetterOrDigit(rest[end]) || rest[end] == '_'))
            end++;
        return rest[..end];
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
