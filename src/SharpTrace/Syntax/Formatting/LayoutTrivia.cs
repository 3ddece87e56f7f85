namespace SharpTrace.Syntax.Formatting;

/// <summary>
/// The comments and blank lines of a script, in text order, which the formatter hands out to the nodes they
/// precede. The parser drops them; they are found again here from the text, so no other stage sees them.
/// </summary>
internal sealed class LayoutTrivia
{
    /// <summary>A comment's text (one per line of a block comment, without <c>//</c> and one space), or a blank line.</summary>
    public readonly record struct Item(int Position, string? Comment, int BlankLines);

    private readonly List<Item> _items;
    private int _first;

    private LayoutTrivia(List<Item> items) => _items = items;

    /// <summary>Everything still held, without taking it.</summary>
    public IEnumerable<Item> All => _items.Skip(_first);

    /// <summary>Takes out and returns everything up to <paramref name="position"/> (inclusive).</summary>
    public LayoutTrivia Before(int position)
    {
        var taken = new List<Item>();
        while (_first < _items.Count && _items[_first].Position <= position)
            taken.Add(_items[_first++]);
        return new LayoutTrivia(taken);
    }

    /// <summary>
    /// Scans <paramref name="text"/> outside <paramref name="opaque"/> spans (attach points, C text) and string
    /// literals. A line break counts as a blank line unless it ends a comment or follows <c>;</c>, <c>{</c> or
    /// <c>}</c>; so an empty line between two statements is one blank line, as bpftrace's parser records it.
    /// </summary>
    public static LayoutTrivia Scan(string text, IReadOnlyList<TextSpan> opaque)
    {
        var items = new List<Item>();
        var skip = opaque.OrderBy(s => s.Start).ToArray();
        var nextSkip = 0;
        var afterComment = false;
        var i = 0;
        while (i < text.Length)
        {
            while (nextSkip < skip.Length && skip[nextSkip].End <= i)
                nextSkip++;
            if (nextSkip < skip.Length && skip[nextSkip].Start <= i)
            {
                i = skip[nextSkip].End;
                afterComment = false;
                continue;
            }
            var c = text[i];
            if (c is ' ' or '\t' or '\r')
                i++;
            else if (c == '\n')
            {
                var previous = PreviousNonSpace(text, i);
                if (!afterComment && previous is not (';' or '{' or '}'))
                    items.Add(new Item(i, null, 1));
                afterComment = false;
                i++;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                i = LineComment(text, i, items);
                afterComment = true;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                i = BlockComment(text, i, items);
                afterComment = true;
            }
            else
            {
                afterComment = false;
                i = c == '"' ? EndOfString(text, i) : i + 1;
            }
        }
        return new LayoutTrivia(items);
    }

    private static char PreviousNonSpace(string text, int position)
    {
        while (position > 0)
        {
            var c = text[--position];
            if (c is not (' ' or '\t' or '\r'))
                return c;
        }
        return '\0';
    }

    private static int EndOfString(string text, int i)
    {
        for (i++; i < text.Length && text[i] != '"' && text[i] != '\n'; i++)
            if (text[i] == '\\')
                i++;
        return Math.Min(i + 1, text.Length);
    }

    private static int LineComment(string text, int i, List<Item> items)
    {
        i += 2;
        if (i < text.Length && text[i] == ' ')
            i++;
        var end = text.IndexOf('\n', i);
        if (end < 0)
            end = text.Length;
        items.Add(new Item(i, text[i..end], 0));
        return end;
    }

    /// <summary>Each line of a block comment is one comment; leading stars (and a space) of later lines are dropped.</summary>
    private static int BlockComment(string text, int i, List<Item> items)
    {
        bool At(int p, string s) => string.CompareOrdinal(text, p, s, 0, s.Length) == 0;
        i += 2;
        if (i < text.Length && text[i] == ' ')
            i++;
        while (i < text.Length)
        {
            var begin = i;
            while (i < text.Length && text[i] != '\n' && !At(i, "*/"))
                i++;
            if (i != begin)
                items.Add(new Item(begin, text[begin..i], 0));
            if (At(i, "*/"))
                return i + 2;
            if (i >= text.Length)
                return i;
            i++;
            while (i < text.Length && text[i] is ' ' or '\t' or '\r')
                i++;
            if (At(i, "*/"))
                continue;
            var stars = false;
            while (i < text.Length && text[i] == '*')
            {
                stars = true;
                i++;
            }
            if (stars && i < text.Length && text[i] == ' ')
                i++;
            if (i < text.Length && (text[i] == '\n' || At(i, "*/")))
                items.Add(new Item(i, "", 0));
        }
        return i;
    }
}
