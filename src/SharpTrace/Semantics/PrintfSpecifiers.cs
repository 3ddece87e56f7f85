namespace SharpTrace.Semantics;

/// <summary>Counts the conversions of a printf format string, so argument counts are checked at compile time.</summary>
internal static class PrintfSpecifiers
{
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
