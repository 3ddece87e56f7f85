using SharpTrace.Output;

namespace SharpTrace;

/// <summary>Something a running program reports, in the order it happened. Match on the derived records.</summary>
public abstract record TraceEvent;

/// <summary>Every probe is attached; the trace is live. Comes once, before any BEGIN output.</summary>
public sealed record AttachedEvent(int ProbeCount) : TraceEvent;

/// <summary>Every probe is attached and BEGIN ran without calling <c>exit()</c>: the trace is live (<c>-c</c> starts its command here).</summary>
public sealed record StartedEvent : TraceEvent;

/// <summary>The text of one <c>printf()</c>, formatted.</summary>
public sealed record PrintfEvent(string Text) : TraceEvent;

/// <summary>The text of one <c>time()</c>, formatted with strftime.</summary>
public sealed record TimeEvent(string Text) : TraceEvent;

/// <summary>The strings of one <c>join()</c>, joined by its separator (without the newline text output adds).</summary>
public sealed record JoinEvent(string Text) : TraceEvent;

/// <summary>The contents of a file printed by <c>cat()</c>.</summary>
public sealed record CatEvent(string Text) : TraceEvent;

/// <summary>The output of a command run by <c>system()</c>.</summary>
public sealed record SystemEvent(string Text) : TraceEvent;

/// <summary>A non-map value printed by <c>print(expr)</c>.</summary>
public sealed record ValueEvent(RuntimeValue Value) : TraceEvent;

/// <summary>
/// A map with its typed keys and values: printed by <c>print(@m, top, div)</c> during the run, or, with
/// <paramref name="AtExit"/>, one of the maps printed at exit (after END; only maps with entries, in name order).
/// </summary>
public sealed record MapEvent(MapSnapshot Map, bool AtExit = false, uint Top = 0, uint Divisor = 0) : TraceEvent;

/// <summary>Events the kernel could not deliver because the ring buffer was full; reported once, at exit.</summary>
public sealed record LostEventsEvent(ulong Count) : TraceEvent;

/// <summary>A test of a run in test mode (<see cref="RunOptions.Tests"/>) has run.</summary>
public sealed record TestResultEvent(TestResult Result) : TraceEvent;

/// <summary>A benchmark of a run in bench mode (<see cref="RunOptions.Benchmarks"/>) has run.</summary>
public sealed record BenchmarkResultEvent(BenchmarkResult Result) : TraceEvent;

/// <summary>A message of the script's <c>errorf()</c> or <c>warnf()</c>; bpftrace prints it to stderr in text mode.</summary>
public sealed record ScriptMessageEvent(ScriptMessage Message) : TraceEvent;

/// <summary>A problem at run time that did not stop the run.</summary>
public sealed record WarningEvent(string Message) : TraceEvent;

/// <summary>
/// The run has handled every record the kernel had queued (sent only after some were handled): a consumer that buffers
/// its output flushes it now, so output is written in batches under load and without delay when idle.
/// </summary>
public sealed record DrainedEvent : TraceEvent;

/// <summary>
/// The probes have stopped and everything the run prints was reported (END's output, lost events, the maps printed
/// at exit). Releasing the kernel objects follows, which can take a while with hundreds of tracepoints; then <see cref="ExitEvent"/>.
/// Not sent when the run fails.
/// </summary>
public sealed record StoppedEvent : TraceEvent;

/// <summary>The run ended (exit(), or cancellation after END ran) and every kernel object is released. Always last.</summary>
public sealed record ExitEvent(int ExitCode) : TraceEvent;
