namespace SharpTrace.Output;

/// <summary>
/// <c>-f folded</c>: maps keyed by stacks print as folded stacks (<see cref="FoldedStacks"/>), one
/// <c>frame;frame;frame count</c> line per path, the input flame graph tools read; everything else prints as text.
/// </summary>
/// <remarks>
/// At exit the lines come without the blank lines text output starts the section with, so that the output can go
/// straight into a flame graph tool. Maps that cannot be folded (no stack in their keys, or values that are no
/// number) are left out at exit, and <paramref name="note"/> names them; an explicit <c>print()</c> of one prints
/// it as text, since the script asked for it.
/// </remarks>
public sealed class FoldedOutputWriter(TextWriter output, Action<string>? note = null) : IOutputWriter
{
    private readonly TextOutputWriter _text = new(output);

    /// <inheritdoc/>
    public void AttachedProbes(int count) => _text.AttachedProbes(count);

    /// <inheritdoc/>
    public void Printf(string text) => _text.Printf(text);

    /// <inheritdoc/>
    public void Time(string text) => _text.Time(text);

    /// <inheritdoc/>
    public void Join(string text) => _text.Join(text);

    /// <inheritdoc/>
    public void Cat(string text) => _text.Cat(text);

    /// <inheritdoc/>
    public void Syscall(string text) => _text.Syscall(text);

    /// <inheritdoc/>
    public void Value(RuntimeValue value) => _text.Value(value);

    /// <inheritdoc/>
    public void Map(MapSnapshot map, uint top = 0, uint div = 0) => output.Write(FoldedStacks.CanFold(map)
        ? FoldedStacks.Format(FoldedStacks.Fold(map, top, div))
        : TextOutputWriter.FormatMap(map, top, div));

    /// <inheritdoc/>
    public void MapsAtExit(IReadOnlyList<MapSnapshot> maps)
    {
        var printed = maps.Where(m => m.Entries.Count > 0).ToList();
        var skipped = printed.Where(m => !FoldedStacks.CanFold(m)).Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        if (skipped.Count > 0)
            note?.Invoke($"-f folded prints only maps keyed by stacks, with numbers as values: {string.Join(", ", skipped)} not printed");
        output.Write(FoldedStacks.Format(FoldedStacks.FoldAll(printed)));
    }

    /// <inheritdoc/>
    public void LostEvents(ulong count) => _text.LostEvents(count);

    /// <inheritdoc/>
    public void TestResult(TestResult result) => _text.TestResult(result);

    /// <inheritdoc/>
    public void BenchmarkResult(BenchmarkResult result) => _text.BenchmarkResult(result);

    /// <inheritdoc/>
    public void Flush() => output.Flush();
}
