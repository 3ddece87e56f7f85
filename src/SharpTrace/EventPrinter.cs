using SharpTrace.Output;

namespace SharpTrace;

/// <summary>
/// Prints a run's <see cref="TraceEvent"/>s with a text or JSON writer, exactly as <c>sharptrace</c> prints them.
/// Messages meant for stderr (the attach line, warnings) are left to the caller.
/// </summary>
public sealed class EventPrinter(IOutputWriter output)
{
    // The maps printed at exit form one section (text starts it with two newlines), so they are printed together.
    private readonly List<MapSnapshot> _mapsAtExit = [];

    /// <summary>Prints one event; the maps printed at exit are held until the <see cref="StoppedEvent"/>.</summary>
    public void Print(TraceEvent traceEvent)
    {
        switch (traceEvent)
        {
            case AttachedEvent attached: output.AttachedProbes(attached.ProbeCount); break;
            case PrintfEvent printf: output.Printf(printf.Text); break;
            case TimeEvent time: output.Time(time.Text); break;
            case JoinEvent join: output.Join(join.Text); break;
            case CatEvent cat: output.Cat(cat.Text); break;
            case SystemEvent system: output.Syscall(system.Text); break;
            case ValueEvent value: output.Value(value.Value); break;
            case MapEvent { AtExit: true } map: _mapsAtExit.Add(map.Map); break;
            case MapEvent map: output.Map(map.Map, map.Top, map.Divisor); break;
            case LostEventsEvent lost: output.LostEvents(lost.Count); break;
            case TestResultEvent test: output.TestResult(test.Result); break;
            case BenchmarkResultEvent benchmark: output.BenchmarkResult(benchmark.Result); break;
            case ScriptMessageEvent message: output.ScriptMessage(message.Message); break;
            case DrainedEvent: output.Flush(); break;
            // Printed when the probes have stopped, before the (possibly slow) release of the kernel objects.
            case StoppedEvent or ExitEvent:
                output.MapsAtExit(_mapsAtExit);
                _mapsAtExit.Clear();
                output.Flush();
                break;
        }
    }
}
