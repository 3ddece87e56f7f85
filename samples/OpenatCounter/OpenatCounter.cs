using SharpTrace.Output;

namespace SharpTrace.Samples;

/// <summary>How many times one command called openat.</summary>
public sealed record OpenatCount(string Comm, ulong Count);

/// <summary>Counts openat calls by command name for a while, through the SharpTrace library.</summary>
public static class OpenatCounter
{
    /// <summary>The bpftrace script: one count per command name, printed as the map <c>@opens</c> at exit.</summary>
    public const string Script = "tracepoint:syscalls:sys_enter_openat { @opens[comm] = count(); }";

    /// <summary>
    /// Traces for <paramref name="duration"/> from the moment the probe is attached (after <paramref name="attached"/>
    /// returns, if given), then returns the counts it received, largest first.
    /// </summary>
    public static async Task<IReadOnlyList<OpenatCount>> CountAsync(TimeSpan duration, Action? attached = null)
    {
        var compiled = TraceScript.Compile(Script);
        if (compiled.Program is not { } program)
            throw new InvalidOperationException(string.Concat(compiled.Diagnostics.Select(d => d.Format())));

        using var stop = new CancellationTokenSource();
        var counts = new List<OpenatCount>();
        await foreach (var traceEvent in program.RunAsync(stop.Token))
        {
            switch (traceEvent)
            {
                case AttachedEvent:
                    attached?.Invoke();
                    // Stopping is graceful: the run detaches, then still delivers the map printed at exit.
                    stop.CancelAfter(duration);
                    break;
                case MapEvent { AtExit: true, Map.Name: "@opens" } opens:
                    // Keys and values arrive typed: the key is the comm string, the value a count() aggregation.
                    foreach (var entry in opens.Map.Entries)
                        counts.Add(new OpenatCount(((StringValue)entry.Key[0]).Value, ((CountValue)entry.Value).Value));
                    break;
            }
        }
        return counts.OrderByDescending(c => c.Count).ThenBy(c => c.Comm, StringComparer.Ordinal).ToList();
    }
}
