using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// The object-like macros of the headers a script includes, as replacement text (evaluated only when a script uses a
/// name). Headers are found through a <see cref="HeaderSearch"/>; nested <c>#include</c>s are followed up to
/// <see cref="MaxDepth"/> levels, and each file is read once. Nothing else in a header is read. Conditionals on the
/// target's architecture macros (<c>#ifdef __i386__</c>, <c>#elif defined(__ILP32__)</c>, see
/// <see cref="ArchitectureConditions"/>) choose their branch, as the compiler would, so <c>asm/unistd.h</c> gives the
/// x86-64 <c>__NR_read</c>; every other conditional is ignored, so every <c>#define</c> of each of its branches is seen
/// and the first definition of a name wins. Headers in
/// <see cref="KernelHeaderMacros"/> add their fallback macros after what is on disk. One instance per compilation.
/// </summary>
internal sealed class HeaderMacros
{
    /// <summary>How deep nested includes are followed (glibc's deepest chains are about a dozen).</summary>
    public const int MaxDepth = 32;

    private readonly HeaderSearch _search;
    private readonly HashSet<string> _filesRead = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _definitions = new(StringComparer.Ordinal);

    public HeaderMacros(HeaderSearch search) => _search = search;

    /// <summary>Reads <paramref name="header"/> and what it includes; false when the header itself is not on disk.</summary>
    /// <param name="header">The name between the brackets or quotes of <c>#include</c>.</param>
    public bool Include(string header) => Include(header, null, 0);

    /// <summary>Whether a header read so far defines <paramref name="name"/> (with any value, or none).</summary>
    public bool IsDefined(string name) => _definitions.ContainsKey(name);

    /// <summary>The replacement text of <paramref name="name"/>, comments removed and lines joined.</summary>
    public bool TryGetText(string name, [NotNullWhen(true)] out string? text) => _definitions.TryGetValue(name, out text);

    private bool Include(string header, string? includingDirectory, int depth)
    {
        var path = _search.Find(header, includingDirectory);
        if (path is not null && depth < MaxDepth && _filesRead.Add(Path.GetFullPath(path)))
            Read(path, depth);
        foreach (var (name, text) in KernelHeaderMacros.For(header))
            _definitions.TryAdd(name, text);
        return path is not null;
    }

    private void Read(string path, int depth)
    {
        string source;
        try
        {
            source = Output.RawText.Decode(Kernel.RegularFiles.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A header we cannot read is like one we cannot find: its names stay unknown.
            return;
        }
        var directory = Path.GetDirectoryName(path);
        var conditions = new PreprocessorConditionals(ArchitectureConditions.Instance);
        foreach (var line in LogicalLines(source))
        {
            var i = SkipBlanks(line, 0);
            if (i >= line.Length || line[i] != '#')
                continue;
            i = SkipBlanks(line, i + 1);
            var wordStart = i;
            while (i < line.Length && (char.IsAsciiLetter(line[i]) || line[i] == '_'))
                i++;
            var word = line[wordStart..i];
            var rest = line[SkipBlanks(line, i)..];
            // Header text is not in the script: spans and offsets mean nothing there, and an unmatched #endif is ignored.
            if (conditions.Directive(word, rest, 0, default) != ConditionalDirective.Other || !conditions.Active)
                continue;
            if (word == "define")
                Define(rest);
            else if (word == "include" && IncludedName(rest) is { } included)
                Include(included, directory, depth + 1);
        }
    }

    private void Define(string rest)
    {
        var nameLength = 0;
        while (nameLength < rest.Length && (char.IsAsciiLetterOrDigit(rest[nameLength]) || rest[nameLength] == '_'))
            nameLength++;
        // Function-like macros ("#define MAX(a, b) ...") are not constants.
        if (nameLength == 0 || char.IsAsciiDigit(rest[0]) || nameLength < rest.Length && rest[nameLength] == '(')
            return;
        _definitions.TryAdd(rest[..nameLength], rest[nameLength..].Trim());
    }

    // The header of `<linux/x.h>` or `"x.h"`; null for a computed include (`#include MACRO`).
    private static string? IncludedName(string rest)
    {
        if (rest.Length < 2 || rest[0] is not ('<' or '"'))
            return null;
        var end = rest.IndexOf(rest[0] == '<' ? '>' : '"', 1);
        return end > 1 ? rest[1..end] : null;
    }

    private static int SkipBlanks(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t' or '\f' or '\v' or '\r')
            i++;
        return i;
    }

    /// <summary>
    /// The source's lines after C's first translation phases: backslash-newlines joined, comments replaced by a
    /// space (a block comment may span lines), string and character literals kept as they are.
    /// </summary>
    internal static IEnumerable<string> LogicalLines(string source)
    {
        var line = new StringBuilder();
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '\\' && i + 1 < source.Length && (source[i + 1] == '\n' || source[i + 1] == '\r' && i + 2 < source.Length && source[i + 2] == '\n'))
            {
                i += source[i + 1] == '\n' ? 2 : 3;
                continue;
            }
            if (c == '\n')
            {
                yield return line.ToString();
                line.Clear();
                i++;
                continue;
            }
            if (c == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                var end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? source.Length : end + 2;
                line.Append(' ');
                continue;
            }
            if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n')
                    i++;
                continue;
            }
            if (c is '"' or '\'')
            {
                var start = i++;
                while (i < source.Length && source[i] != c && source[i] != '\n')
                    i += source[i] == '\\' && i + 1 < source.Length ? 2 : 1;
                if (i < source.Length && source[i] == c)
                    i++;
                line.Append(source, start, i - start);
                continue;
            }
            line.Append(c);
            i++;
        }
        if (line.Length > 0)
            yield return line.ToString();
    }
}
