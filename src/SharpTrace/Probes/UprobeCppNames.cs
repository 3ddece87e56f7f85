using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Probes;

/// <summary>
/// The <c>cpp</c> language qualifier of uprobes (<c>uprobe:BIN:cpp:"shapes::area"</c>, <c>uprobe:BIN:cpp:"shapes::*"</c>),
/// as the newest bpftrace reads it: the function is matched against the demangled names of the binary's symbols
/// (Itanium ABI, <see cref="CppDemangler"/>), without their parameter list unless the pattern writes a <c>(</c>
/// (<c>cpp:"shapes::scale(int)"</c> picks one overload); the mangled name itself matches too. A name without wildcards
/// may still match several functions (overloads), so it expands like a wildcard.
/// </summary>
internal static class UprobeCppNames
{
    /// <summary>The qualifier as written.</summary>
    public const string Qualifier = "cpp";

    /// <summary>Whether the symbol <paramref name="symbol"/> (a mangled name) is one <paramref name="pattern"/> names.</summary>
    public static bool Matches(string pattern, string symbol)
    {
        if (Same(pattern, symbol))
            return true;
        if (CppDemangler.Demangle(symbol) is not { } demangled)
            return false;
        return Same(pattern, pattern.Contains('(') ? demangled : WithoutParameters(demangled));
    }

    /// <summary>
    /// How <c>-l</c> prints a C++ function: its demangled name with its parameters, quoted so the line is an attach
    /// point again (<c>"shapes::area(int, int)"</c>); a symbol that does not demangle is printed as it is.
    /// </summary>
    public static string Listed(string symbol) => CppDemangler.Demangle(symbol) is { } demangled ? $"\"{demangled}\"" : symbol;

    /// <summary>
    /// The demangled name without its parameter list and what follows it (<c>ns::f(int) const</c> is <c>ns::f</c>):
    /// everything from the parenthesis that opens the list closed by the last <c>)</c>.
    /// </summary>
    public static string WithoutParameters(string demangled)
    {
        var close = demangled.LastIndexOf(')');
        var depth = 0;
        for (var i = close; i >= 0; i--)
        {
            depth += demangled[i] switch { ')' => 1, '(' => -1, _ => 0 };
            if (depth == 0)
                return demangled[..i];
        }
        return demangled;
    }

    private static bool Same(string pattern, string name) => Wildcard.Has(pattern) ? Wildcard.Matches(pattern, name) : pattern == name;
}
