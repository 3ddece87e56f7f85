using System.Text;
using SharpTrace.Output;

namespace SharpTrace.Cli;

/// <summary>Where the program's output goes (stdout or <c>-o FILE</c>) and how it is flushed (<c>-B</c>).</summary>
internal static class OutputTarget
{
    /// <summary>
    /// The writer for the program's output. Line buffering flushes whenever the tracer has caught up with the kernel
    /// (<see cref="DrainedEvent"/>) rather than at every newline: each line is out as soon as no more are waiting,
    /// and a flood of events is written in large batches instead of one system call per line.
    /// </summary>
    public static TextWriter Open(string? path, OutputBuffering buffering)
    {
        // -o '' is stdout, as in bpftrace.
        var stream = string.IsNullOrEmpty(path) ? StandardStreams.OpenStdout() : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        return new StreamWriter(stream, Output.TextOutputWriter.ByteExactEncoding, bufferSize: 64 * 1024) { AutoFlush = buffering == OutputBuffering.None };
    }

    /// <summary>Whether the output is flushed when the tracer has caught up (line buffering); full buffering waits for the end.</summary>
    public static bool FlushesWhenDrained(OutputBuffering buffering) => buffering != OutputBuffering.Full;

    /// <summary>
    /// The writer <c>-f</c> names, over <paramref name="output"/>; with <c>--flamegraph</c> wrapped so that the stacks
    /// printed at exit are also drawn into <paramref name="flameGraph"/>, under <paramref name="subtitle"/>.
    /// <paramref name="note"/> receives what folded output leaves out.
    /// </summary>
    public static IOutputWriter Writer(string format, TextWriter output, TextWriter? flameGraph, string subtitle, Action<string>? note)
    {
        IOutputWriter writer = format switch
        {
            "json" => new JsonOutputWriter(output),
            "folded" => new FoldedOutputWriter(output, note),
            _ => new TextOutputWriter(output),
        };
        return flameGraph is null ? writer : new FlameGraphOutputWriter(writer, flameGraph, subtitle);
    }

    /// <summary>The file <c>--flamegraph</c> names, created (emptied) now, so that a bad path fails before the trace starts.</summary>
    public static TextWriter OpenFlameGraph(string path)
    {
        try
        {
            return new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--flamegraph {path}: {e.Message}", e);
        }
    }
}
