using System.Globalization;

namespace SharpTrace.Semantics;

/// <summary>The type of a named argument, from its <c>getopt</c> default.</summary>
internal enum NamedArgumentKind { Boolean, Unsigned, Signed, String }

/// <summary>A named argument a script reads with <c>getopt(name, default, description)</c>.</summary>
internal sealed record NamedArgument(string Name, NamedArgumentKind Kind, string Default, string Description);

/// <summary>
/// The named arguments of a program, as its <c>getopt</c> calls define them, and bpftrace's rules for them: one
/// default per name, one description; on the command line (<c>-- --name=value</c>, <c>--flag</c>) only defined names,
/// each value of its argument's type, checked in bpftrace's words.
/// </summary>
internal sealed class NamedArguments
{
    private readonly Dictionary<string, NamedArgument> _defined = new(StringComparer.Ordinal);

    /// <summary>The definitions, by name.</summary>
    public IReadOnlyList<NamedArgument> All => _defined.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();

    /// <summary>Adds a definition; returns bpftrace's error when a name is defined twice differently, else null.</summary>
    public string? Define(NamedArgument argument)
    {
        if (!_defined.TryGetValue(argument.Name, out var previous))
        {
            _defined[argument.Name] = argument;
            return null;
        }
        if (previous.Kind != argument.Kind || previous.Default != argument.Default)
            return $"Command line option '{argument.Name}' needs to have the same default value in all places it is used. Previous default value: {previous.Default}";
        if (argument.Description.Length > 0 && previous.Description.Length > 0 && previous.Description != argument.Description)
            return $"Command line option '{argument.Name}' must have the same description in all places it's used. Hint: You can wrap it in a macro";
        if (previous.Description.Length == 0)
            _defined[argument.Name] = argument;
        return null;
    }

    /// <summary>
    /// The value of <paramref name="argument"/> as given on the command line (<paramref name="given"/>: name → value,
    /// null for a bare <c>--name</c>), or its default; null with bpftrace's error when the given value does not fit.
    /// </summary>
    public static string? Value(NamedArgument argument, IReadOnlyDictionary<string, string?> given, out string? error)
    {
        error = null;
        if (!given.TryGetValue(argument.Name, out var text))
            return argument.Default;
        switch (argument.Kind)
        {
            case NamedArgumentKind.Boolean when text is null or "true" or "1":
                return "true";
            case NamedArgumentKind.Boolean when text is "false" or "0":
                return "false";
            case NamedArgumentKind.Boolean:
                error = Invalid(argument, text!, "expects a boolean (e.g. 'true')");
                return null;
            case NamedArgumentKind.String when text is null:
                error = Invalid(argument, "true", "expects a string");
                return null;
            case NamedArgumentKind.String:
                return text;
            case var _ when text is null:
                error = Invalid(argument, "true", "expects an integer");
                return null;
            case NamedArgumentKind.Unsigned:
                if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var unsigned))
                    return unsigned.ToString(CultureInfo.InvariantCulture);
                break;
            default:
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var signed))
                    return signed.ToString(CultureInfo.InvariantCulture);
                break;
        }
        error = Invalid(argument, text, "expects an integer");
        return null;
    }

    private static string Invalid(NamedArgument argument, string value, string problem) =>
        $"program command line option --{argument.Name} {problem} (value: {value})";

    /// <summary>
    /// Checks the names given on the command line against the definitions, as bpftrace does before a run: null when
    /// all are defined; else its error (<c>unexpected program command line options: --x</c>, empty when only
    /// <c>--help</c> was asked for) and in <paramref name="hint"/> the list of expected ones (one per line, with
    /// descriptions, for <c>--help</c>).
    /// </summary>
    public static string? CheckNames(IReadOnlyList<NamedArgument> defined, IEnumerable<string> givenNames, out string? hint)
    {
        hint = null;
        var unexpected = givenNames.Where(n => defined.All(d => d.Name != n)).Distinct().ToList();
        if (unexpected.Count == 0)
            return null;
        var help = unexpected.Contains("help");
        hint = defined.Count == 0
            ? "no custom program options defined."
            : "expected program options:" + (help ? "\n" : " ") + string.Join(help ? "\n" : ": ",
                defined.Select(d => "--" + d.Name + (help && d.Description.Length > 0 ? ": " + d.Description : "")));
        var errors = unexpected.Where(n => n != "help").Select(n => "--" + n).ToList();
        return errors.Count == 0 ? "" : "unexpected program command line options: " + string.Join(", ", errors);
    }
}
