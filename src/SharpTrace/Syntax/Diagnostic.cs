using System.Text;

namespace SharpTrace.Syntax;

/// <summary>How bad a <see cref="Diagnostic"/> is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The script cannot run.</summary>
    Error,

    /// <summary>The script runs, but probably not as meant.</summary>
    Warning,
}

/// <summary>A problem found in a script, with the place it points at.</summary>
public sealed record Diagnostic(DiagnosticSeverity Severity, SourceText Source, TextSpan Span, string Message)
{
    /// <summary>True for an error, false for a warning.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>
    /// Places the problem involves besides its own, each with a note (a binary operator's <c>left (int8)</c> and
    /// <c>right (string[2])</c>): printed after it, located the same way, as bpftrace prints a diagnostic's context.
    /// </summary>
    internal IReadOnlyList<(TextSpan Span, string Message)> Context { get; init; } = [];

    /// <summary>
    /// bpftrace's layout: <c>stdin:1:17-21: ERROR: message</c>, then the source line, then a <c>~</c> underline.
    /// Columns are one-based; the end column is exclusive, as bpftrace prints it. A span over several lines is
    /// shown as bpftrace shows it, by its lines alone and without source: <c>stdin:1-2: ERROR: message</c>.
    /// </summary>
    public string Format() => Context.Count == 0
        ? FormatOne()
        : FormatOne() + string.Concat(Context.Select(c => (this with { Span = c.Span, Message = c.Message, Context = [] }).FormatOne()));

    private string FormatOne()
    {
        var line = Source.GetLineIndex(Math.Min(Span.Start, Math.Max(0, Source.Length)));
        var label = Severity == DiagnosticSeverity.Error ? "ERROR" : "WARNING";
        var lastLine = Span.Length > 0 ? Source.GetLineIndex(Math.Min(Span.End - 1, Source.Length)) : line;
        // In a script with imports, the imported file's name and its own line numbers.
        var (name, firstLine) = Source.FileAt(Span.Start);
        if (lastLine > line)
            return $"{name}:{line - firstLine + 1}-{lastLine - firstLine + 1}: {label}: {Message}\n";

        var lineStart = Source.GetLineStart(line);
        var lineText = Source.GetLineText(line);
        var startCol = Span.Start - lineStart + 1;
        // An empty span (a missing token) underlines nothing, as in bpftrace: "stdin:1:16-16".
        var endCol = Span.Length == 0 ? startCol : Math.Max(startCol + 1, Math.Min(Span.End - lineStart, lineText.Length) + 1);
        var sb = new StringBuilder();
        sb.Append($"{name}:{line - firstLine + 1}:{startCol}-{endCol}: {label}: {Message}\n");
        // The end of a text that ends with a line break is on a line of its own, which bpftrace doesn't show.
        if (Span.Start >= Source.Length && (Source.Length == 0 || Source.Text[^1] == '\n'))
            return sb.ToString();
        sb.Append(lineText).Append('\n');
        sb.Append(' ', startCol - 1).Append('~', endCol - startCol).Append('\n');
        return sb.ToString();
    }

    /// <summary>The diagnostic as <see cref="Format"/> writes it.</summary>
    public override string ToString() => Format();
}
