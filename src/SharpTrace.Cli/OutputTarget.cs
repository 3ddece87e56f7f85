namespace SharpTrace.Cli;

/// <summary>Where the program's output goes (stdout or <c>-o FILE</c>) and how it is flushed (<c>-B</c>).</summary>
internal static class OutputTarget
{
    public static TextWriter Open(string? path, OutputBuffering buffering)
    {
        // -o '' is stdout, as in bpftrace.
        var stream = string.IsNullOrEmpty(path) ? StandardStreams.OpenStdout() : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        var writer = new StreamWriter(stream) { AutoFlush = buffering == OutputBuffering.None };
        return buffering == OutputBuffering.Line ? new LineFlushingWriter(writer) : writer;
    }

    /// <summary>Flushes at every newline: a reader of a pipe sees each line as soon as it is complete.</summary>
    private sealed class LineFlushingWriter(StreamWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            inner.Write(value);
            if (value == '\n')
                inner.Flush();
        }

        public override void Write(string? value)
        {
            inner.Write(value);
            if (value is not null && value.Contains('\n'))
                inner.Flush();
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            inner.Write(buffer);
            if (buffer.Contains('\n'))
                inner.Flush();
        }

        public override void Flush() => inner.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
