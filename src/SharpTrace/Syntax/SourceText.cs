namespace SharpTrace.Syntax;

/// <summary>A script's text and its name as shown in diagnostics ("stdin" for -e, else the file path).</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

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

    public string Text { get; }
    public string Name { get; }
    public int Length => Text.Length;
    public char this[int index] => Text[index];

    /// <summary>Zero-based line index of a position.</summary>
    public int GetLineIndex(int position)
    {
        var index = Array.BinarySearch(_lineStarts, position);
        return index >= 0 ? index : ~index - 1;
    }

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

    public string ToString(TextSpan span) => Text.Substring(span.Start, span.Length);
}
