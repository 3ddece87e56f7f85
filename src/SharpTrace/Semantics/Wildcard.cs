namespace SharpTrace.Semantics;

/// <summary>Shell-style matching of <c>*</c> and <c>?</c>, as in attach points.</summary>
internal static class Wildcard
{
    /// <summary>Whether <paramref name="text"/> holds a wildcard (<c>*</c> or <c>?</c>).</summary>
    public static bool Has(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;

    public static bool Matches(string pattern, string text) => Match(pattern, 0, text, 0);

    private static bool Match(string pattern, int p, string text, int t)
    {
        while (p < pattern.Length)
        {
            switch (pattern[p])
            {
                case '*':
                    for (var skip = t; skip <= text.Length; skip++)
                        if (Match(pattern, p + 1, text, skip))
                            return true;
                    return false;
                case '?':
                    if (t >= text.Length)
                        return false;
                    break;
                default:
                    if (t >= text.Length || text[t] != pattern[p])
                        return false;
                    break;
            }
            p++;
            t++;
        }
        return t == text.Length;
    }
}
