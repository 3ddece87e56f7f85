using SharpTrace.Output;

namespace SharpTrace.Semantics;

/// <summary>
/// The arguments of <c>printf</c>, <c>cat</c>, <c>system</c>... against their format's conversions, with bpftrace's
/// words. The format is parsed as the runtime parses it to print the events, so what is checked is what is printed.
/// </summary>
internal static class PrintfChecker
{
    /// <summary>
    /// The largest field width or precision: one field of a mebibyte. bpftrace passes larger ones to snprintf, which
    /// fails at run time past 2^31 ("format() error occurred"); between, a single event would print gigabytes.
    /// </summary>
    public const int MaxFieldWidth = 1 << 20;

    /// <summary>Null when <paramref name="arguments"/> fit the conversions of <paramref name="format"/>, else bpftrace's message.</summary>
    public static string? Check(string format, IReadOnlyList<BpfType> arguments, string function = "printf") =>
        Check(PrintfFormat.Parse(format), arguments.Select(ArgumentTypeName).ToList(), function);

    /// <summary>
    /// Checks argument types against the conversions, e.g. <c>printf: Too many arguments for format string (2 supplied,
    /// 1 expected)</c> or <c>printf: %d specifier expects a value of type integer (string supplied)</c>. Null when they fit.
    /// </summary>
    /// <param name="format">The parsed format string.</param>
    /// <param name="suppliedTypes">The argument types in bpftrace's words: <c>integer</c>, <c>string</c>,
    /// <c>buffer</c>, <c>bool</c> and <c>enum</c> (integers that %s prints by name), <c>none</c> (no value, which fits
    /// no conversion), or any other type name (which fits only %s).</param>
    /// <param name="function">The function named in the message: <c>printf</c>, <c>system</c>, <c>cat</c>...</param>
    public static string? Check(PrintfFormat format, IReadOnlyList<string> suppliedTypes, string function = "printf")
    {
        var conversions = format.Conversions;
        if (suppliedTypes.Count < conversions.Count)
            return $"{function}: Not enough arguments for format string ({suppliedTypes.Count} supplied, {conversions.Count} expected)";
        if (suppliedTypes.Count > conversions.Count)
            return $"{function}: Too many arguments for format string ({suppliedTypes.Count} supplied, {conversions.Count} expected)";
        for (var i = 0; i < conversions.Count; i++)
        {
            if (Math.Max(conversions[i].Width ?? 0, conversions[i].Precision ?? 0) > MaxFieldWidth)
                return $"{function}: {conversions[i].Text} asks for more than {MaxFieldWidth} characters (the largest field width or precision)";
            var expected = TypeName(conversions[i].ArgumentKind);
            // %s prints any value as print() shows it, as in the newest bpftrace: a bool as true or false, an enum by its
            // enumerator's name, a tuple as (1, a), a struct as { .a = 1 }. Only what has no value cannot be printed.
            if (expected == "string" && suppliedTypes[i] is not ("none" or "void"))
                continue;
            // A bool is an integer to %d, and an enum's value its number.
            if (suppliedTypes[i] is "bool" or "enum" && expected == "integer")
                continue;
            if (suppliedTypes[i] != expected)
                return $"{function}: %{conversions[i].Token} specifier expects a value of type {expected} ({suppliedTypes[i]} supplied)";
        }
        return null;
    }

    /// <summary>Values printf's <c>%s</c> takes: strings, stacks, symbols, addresses (<c>ntop</c>) and what decodes itself (timestamps).</summary>
    public static bool PrintsAsText(BpfType type) =>
        type is StringType or StackType or KernelSymbolType or UserSymbolType or SelfDecodingType or InetType;

    /// <summary>An argument's type as a conversion names what it takes: a pointer is an integer, a symbol a string.</summary>
    private static string ArgumentTypeName(BpfType type) =>
        type is BoolType ? "bool" : type is IntegerType { Enum: not null } ? "enum" : type.IsInteger ? "integer" : PrintsAsText(type) ? "string" : TypeNames.KindOf(type);

    /// <summary>bpftrace's name for what a conversion takes: <c>integer</c>, <c>string</c> or <c>buffer</c>.</summary>
    private static string TypeName(PrintfArgumentKind kind) => kind switch
    {
        PrintfArgumentKind.Integer => "integer",
        PrintfArgumentKind.String => "string",
        _ => "buffer",
    };
}
