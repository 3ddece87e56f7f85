using System.Text;

namespace SharpTrace.Syntax;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>A problem found in a script, with the place it points at.</summary>
public sealed record Diagnostic(DiagnosticSeverity Severity, SourceText Source, TextSpan Span, string Message)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>
    /// bpftrace's layout: <c>stdin:1:17-21: ERROR: message</c>, then the source line, then a <c>~</c> underline.
    /// Columns are one-based; the end column is exclusive, as bpftrace prints it.
    /// </summary>
    public string Format()
    {
        var line = Source.GetLineIndex(Math.Min(Span.Start, Math.Max(0, Source.Length)));
        var lineStart = Source.GetLineStart(line);
        var lineText = Source.GetLineText(line);
        var startCol = Span.Start - lineStart + 1;
        var endCol = Math.Min(Span.End - lineStart, lineText.Length) + 1;
        if (endCol <= startCol)
            endCol = startCol + 1;
        var label = Severity == DiagnosticSeverity.Error ? "ERROR" : "WARNING";
        var sb = new StringBuilder();
        sb.Append($"{Source.Name}:{line + 1}:{startCol}-{endCol}: {label}: {Message}\n");
        sb.Append(lineText).Append('\n');
        sb.Append(' ', startCol - 1).Append('~', endCol - startCol).Append('\n');
        return sb.ToString();
    }

    public override string ToString() => Format();
}
