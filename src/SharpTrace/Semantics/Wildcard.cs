namespace SharpTrace.Semantics;

/// <summary>
/// The wildcard of attach points and <c>-l</c> patterns, as the newest bpftrace's probe matcher has it: <c>*</c> is any
/// run of characters, every other character (<c>?</c> too) is itself. A uprobe or usdt target with a <c>*</c> is a
/// glob of files, where <c>?</c> is any one character too, as in glob(3).
/// </summary>
internal static class Wildcard
{
    /// <summary>Whether <paramref name="text"/> holds a wildcard (<c>*</c>).</summary>
    public static bool Has(string text) => text.Contains('*');

    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/> as a whole.</summary>
    public static bool Matches(string pattern, string text) => Glob(pattern, text, anyCharacter: false);

    /// <summary>
    /// Shell-style matching of <c>*</c> and, when <paramref name="anyCharacter"/>, of <c>?</c> as any one character.
    /// </summary>
    internal static bool Glob(string pattern, string text, bool anyCharacter) => Match(pattern, 0, text, 0, anyCharacter);

    private static bool Match(string pattern, int p, string text, int t, bool anyCharacter)
    {
        while (p < pattern.Length)
        {
            switch (pattern[p])
            {
                case '*':
                    for (var skip = t; skip <= text.Length; skip++)
                        if (Match(pattern, p + 1, text, skip, anyCharacter))
                            return true;
                    return false;
                case '?' when anyCharacter:
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
