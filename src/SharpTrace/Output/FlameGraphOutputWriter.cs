namespace SharpTrace.Output;

/// <summary>
/// <c>--flamegraph FILE.svg</c>: prints everything through another writer (text, JSON, folded), and also draws the
/// maps keyed by stacks that print at exit as one SVG flame graph (<see cref="FlameGraph"/>) into <paramref name="svg"/>,
/// with <paramref name="subtitle"/> (what was traced) under its title.
/// </summary>
/// <remarks>
/// The graph is written once, at the first exit section (a run that ends before printing its maps still leaves a
/// valid SVG, saying that no stacks were collected). Several maps keyed by stacks are drawn side by side, each under
/// a root frame named after the map; the tooltips count in <c>samples</c> when every map drawn is a count(), and in
/// <c>total</c> otherwise.
/// </remarks>
public sealed class FlameGraphOutputWriter(IOutputWriter inner, TextWriter svg, string? subtitle = null) : IOutputWriter
{
    private bool _written;

    /// <inheritdoc/>
    public void AttachedProbes(int count) => inner.AttachedProbes(count);

    /// <inheritdoc/>
    public void Printf(string text) => inner.Printf(text);

    /// <inheritdoc/>
    public void Time(string text) => inner.Time(text);

    /// <inheritdoc/>
    public void Join(string text) => inner.Join(text);

    /// <inheritdoc/>
    public void Cat(string text) => inner.Cat(text);

    /// <inheritdoc/>
    public void Syscall(string text) => inner.Syscall(text);

    /// <inheritdoc/>
    public void Value(RuntimeValue value) => inner.Value(value);

    /// <inheritdoc/>
    public void Map(MapSnapshot map, uint top = 0, uint div = 0) => inner.Map(map, top, div);

    /// <inheritdoc/>
    public void MapsAtExit(IReadOnlyList<MapSnapshot> maps)
    {
        inner.MapsAtExit(maps);
        if (_written)
            return;
        _written = true;
        var drawn = maps.Where(FoldedStacks.CanFold).ToList();
        var counts = drawn.All(m => m.Entries.All(e => e.Value is CountValue));
        var look = new FlameGraphOptions { Subtitle = subtitle, Unit = counts ? "samples" : "total" };
        svg.Write(FlameGraph.Render(FoldedStacks.FoldAll(drawn), look));
        svg.Flush();
    }

    /// <inheritdoc/>
    public void LostEvents(ulong count) => inner.LostEvents(count);

    /// <inheritdoc/>
    public void TestResult(TestResult result) => inner.TestResult(result);

    /// <inheritdoc/>
    public void BenchmarkResult(BenchmarkResult result) => inner.BenchmarkResult(result);

    /// <inheritdoc/>
    public void Flush() => inner.Flush();
}
