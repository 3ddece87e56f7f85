namespace SharpTrace.Syntax;

/// <summary>A script's text and its name as shown in diagnostics ("stdin" for -e, else the file path).</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    /// <summary>The text <paramref name="text"/> of a script named <paramref name="name"/> in diagnostics.</summary>
    public SourceText(string text, string name = "stdin")
    {
        Text = text;
        Name = name;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n')
                starts.Add(i + 1);
        _lineStarts = starts.ToArray();
    }

    // A script with its imports is one text of several files, each starting on a line of its own: where each begins
    // (its position and line) and its name. A plain script is one part.
    private readonly IReadOnlyList<(int Start, int FirstLine, string Name)>? _parts;

    internal SourceText(string text, string name, IReadOnlyList<(int Start, string Name)> parts)
        : this(text, name)
    {
        _parts = parts.Select(p => (p.Start, GetLineIndex(p.Start), p.Name)).ToList();
    }

    /// <summary>The file a position is in (its name, and the zero-based line its part starts at), for diagnostics.</summary>
    internal (string Name, int FirstLine) FileAt(int position)
    {
        if (_parts is null)
            return (Name, 0);
        var part = _parts.Last(p => p.Start <= position || p.Start == 0);
        return (part.Name, part.FirstLine);
    }

    /// <summary>The whole text.</summary>
    public string Text { get; }

    /// <summary>The name diagnostics show: <c>stdin</c> for <c>-e</c>, else the file path.</summary>
    public string Name { get; }

    /// <summary>The number of characters.</summary>
    public int Length => Text.Length;

    /// <summary>The character at <paramref name="index"/>.</summary>
    public char this[int index] => Text[index];

    /// <summary>Zero-based line index of a position.</summary>
    public int GetLineIndex(int position)
    {
        var index = Array.BinarySearch(_lineStarts, position);
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>Position of the first character of a zero-based line.</summary>
    public int GetLineStart(int lineIndex) => _lineStarts[lineIndex];

    /// <summary>The text of a line without its line break.</summary>
    public string GetLineText(int lineIndex)
    {
        var start = _lineStarts[lineIndex];
        var end = lineIndex + 1 < _lineStarts.Length ? _lineStarts[lineIndex + 1] - 1 : Text.Length;
        if (end > start && Text[end - 1] == '\r')
            end--;
        return Text[start..Math.Max(start, end)];
    }

    /// <summary>The text that <paramref name="span"/> covers.</summary>
    public string ToString(TextSpan span) => Text.Substring(span.Start, span.Length);

    /// <summary>The name and size: <c>stdin (2 lines, 41 characters)</c>.</summary>
    public override string ToString() => $"{Name} ({_lineStarts.Length} line{(_lineStarts.Length == 1 ? "" : "s")}, {Length} characters)";
}
