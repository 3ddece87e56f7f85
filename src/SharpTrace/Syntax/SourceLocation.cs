namespace SharpTrace.Syntax;

/// <summary>
/// Where a span of a script lies, as bpftrace names places in messages: <c>stdin:1:9-62</c> (file, one-based line,
/// one-based start column and exclusive end column), or <c>stdin:1-2</c> for a span over several lines.
/// </summary>
internal sealed record SourceLocation(string FileName, int Line, int LastLine, int Column, int EndColumn)
{
    /// <summary>The location of <paramref name="span"/> in <paramref name="source"/>.</summary>
    public static SourceLocation Of(SourceText source, TextSpan span)
    {
        var line = source.GetLineIndex(Math.Min(span.Start, Math.Max(0, source.Length)));
        var lastLine = span.Length > 0 ? source.GetLineIndex(Math.Min(span.End - 1, source.Length)) : line;
        var lineStart = source.GetLineStart(line);
        var column = span.Start - lineStart + 1;
        var endColumn = lastLine > line ? column : column + Math.Max(span.Length, 0);
        return new SourceLocation(source.Name, line + 1, lastLine + 1, column, endColumn);
    }

    /// <summary><c>FILE:LINE:COLUMN-END</c>, or <c>FILE:LINE-LASTLINE</c> over several lines.</summary>
    public override string ToString() => LastLine > Line
        ? $"{FileName}:{Line}-{LastLine}"
        : $"{FileName}:{Line}:{Column}-{EndColumn}";
}
