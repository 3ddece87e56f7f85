using SharpTrace.Output;

namespace SharpTrace;

/// <summary>The output side of a run seen from the library: each thing the session prints becomes a <see cref="TraceEvent"/>.</summary>
internal sealed class EventOutput(Action<TraceEvent> write) : IOutputWriter
{
    private void Write(TraceEvent traceEvent) => write(traceEvent);

    public void Warning(string message) => Write(new WarningEvent(message));

    public void AttachedProbes(int count) => Write(new AttachedEvent(count));

    public void Printf(string text) => Write(new PrintfEvent(text));

    public void Time(string text) => Write(new TimeEvent(text));

    public void Join(string text) => Write(new JoinEvent(text));

    public void Cat(string text) => Write(new CatEvent(text));

    public void Syscall(string text) => Write(new SystemEvent(text));

    public void Value(RuntimeValue value) => Write(new ValueEvent(value));

    public void Map(MapSnapshot map, uint top = 0, uint div = 0) => Write(new MapEvent(map, AtExit: false, top, div));

    public void MapsAtExit(IReadOnlyList<MapSnapshot> maps)
    {
        foreach (var map in maps.Where(m => m.Entries.Count > 0).OrderBy(m => m.Name, StringComparer.Ordinal))
            Write(new MapEvent(map, AtExit: true));
    }

    public void ScriptMessage(ScriptMessage message) => Write(new ScriptMessageEvent(message));

    public void TestResult(TestResult result) => Write(new TestResultEvent(result));

    public void BenchmarkResult(BenchmarkResult result) => Write(new BenchmarkResultEvent(result));

    public void LostEvents(ulong count) => Write(new LostEventsEvent(count));

    /// <summary>The session flushes whenever it has caught up with the kernel after handling records.</summary>
    public void Flush() => Write(new DrainedEvent());
}
