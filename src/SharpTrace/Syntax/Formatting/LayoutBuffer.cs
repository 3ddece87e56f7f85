using System.Text;

namespace SharpTrace.Syntax.Formatting;

/// <summary>
/// Formatted output under construction: lines of text and comment pieces. Appending a multi-line buffer either
/// continues at the current column (later lines aligned under it) or, with an indent, opens an indented block.
/// Widths are in bytes of UTF-8, as bpftrace measures them.
/// </summary>
internal sealed class LayoutBuffer
{
    private readonly record struct Piece(string Text, bool IsComment);

    private readonly List<List<Piece>> _lines = [[]];

    /// <summary>Lines that hold something (a last empty line, where the next text would go, does not count).</summary>
    public int Lines => _lines[^1].Count == 0 ? _lines.Count - 1 : _lines.Count;

    /// <summary>The widest line.</summary>
    public ulong Width
    {
        get
        {
            ulong widest = 0;
            foreach (var line in _lines)
                widest = Math.Max(widest, Columns(line));
            return widest;
        }
    }

    public LayoutBuffer Text(string text)
    {
        _lines[^1].Add(new Piece(text, false));
        return this;
    }

    public LayoutBuffer Comment(string text)
    {
        _lines[^1].Add(new Piece(text, true));
        return this;
    }

    public LayoutBuffer LineBreak()
    {
        _lines.Add([]);
        return this;
    }

    /// <summary>
    /// Adds <paramref name="other"/>: at the current column (its later lines aligned there, unless not
    /// <paramref name="align"/>), or with <paramref name="indent"/> on new lines indented that much, ending on a new line.
    /// </summary>
    public LayoutBuffer Append(LayoutBuffer other, int indent = 0, bool align = true)
    {
        if (other.Lines == 0)
            return this;
        var column = (int)Columns(_lines[^1]);
        if (indent > 0)
        {
            _lines.Add([]);
            column = indent;
        }
        for (var i = 0; i < other._lines.Count; i++)
        {
            if (align && column != 0 && _lines[^1].Count == 0)
                _lines[^1].Add(new Piece(new string(' ', column), false));
            _lines[^1].AddRange(other._lines[i]);
            if (indent > 0 || i < other._lines.Count - 1)
                _lines.Add([]);
        }
        return this;
    }

    /// <summary>
    /// Adds comments and blank lines. Inline (no <paramref name="minimumBlankLines"/>): the comments go on the current
    /// line and blank lines are dropped. Otherwise each comment gets its own line and each blank line is kept, with at
    /// least <paramref name="minimumBlankLines"/> line breaks first.
    /// </summary>
    public LayoutBuffer Trivia(LayoutTrivia trivia, int? minimumBlankLines = null)
    {
        if (minimumBlankLines is not { } minimum)
        {
            foreach (var item in trivia.All)
                if (item.Comment is { } comment)
                    _lines[^1].Add(new Piece(comment, true));
            return this;
        }
        for (var i = 0; i < minimum; i++)
            _lines.Add([]);
        var blank = 0;
        foreach (var item in trivia.All)
        {
            if (item.Comment is { } comment)
            {
                _lines[^1].Add(new Piece(comment, true));
                _lines.Add([]);
                continue;
            }
            for (var i = 0; i < item.BlankLines; i++)
            {
                if (blank >= minimum)
                    _lines.Add([]);
                blank++;
            }
        }
        return this;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Lines; i++)
            text.Append(Render(_lines[i]).TrimEnd(' ', '\t', '\n', '\r', '\v', '\f')).Append('\n');
        return text.ToString();
    }

    private static ulong Columns(List<Piece> line) =>
        line.Count == 0 ? 0 : (ulong)Encoding.UTF8.GetByteCount(Render(line));

    /// <summary>A comment ending its line is written <c>// text</c>, one followed by more as <c>/* text */</c>.</summary>
    private static string Render(List<Piece> line)
    {
        var text = new StringBuilder();
        var onlySpace = true;
        for (var i = 0; i < line.Count; i++)
        {
            var piece = line[i];
            if (!piece.IsComment)
            {
                text.Append(piece.Text);
                onlySpace = onlySpace && string.IsNullOrWhiteSpace(piece.Text);
                continue;
            }
            if (!onlySpace)
                text.Append(' ');
            if (i < line.Count - 1)
                text.Append("/* ").Append(piece.Text).Append(" */");
            else
                text.Append(piece.Text.Length == 0 ? "//" : "// " + piece.Text);
        }
        return text.ToString();
    }
}
