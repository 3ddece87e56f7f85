namespace SharpTrace.Semantics;

/// <summary>Counts the conversions of a printf format string, so argument counts are checked at compile time.</summary>
internal static class PrintfSpecifiers
{
    /// <summary>The conversion character of each specifier in order (<c>d</c> for <c>%-5lld</c>).</summary>
    public static IReadOnlyList<char> Conversions(string format)
    {
        var conversions = new List<char>();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
                continue;
            if (i + 1 < format.Length && format[i + 1] == '%')
            {
                i++;
                continue;
            }
            var j = i + 1;
            while (j < format.Length && !char.IsAsciiLetter(format[j]) || (j < format.Length && format[j] is 'l' or 'h' or 'z' or 'j' or 't'))
                j++;
            conversions.Add(j < format.Length ? format[j] : '?');
            i = j;
        }
        return conversions;
    }

    public static int Count(string format)
    {
        var count = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
                continue;
            if (i + 1 < format.Length && format[i + 1] == '%')
            {
                i++;
                continue;
            }
            count++;
        }
        return count;
    }
}
