using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using SharpTrace.Bpf;
using SharpTrace.Probes;
using SharpTrace.Runtime;
using SharpTrace.Semantics;

namespace SharpTrace;

/// <summary>A compiled script, ready to run any number of times (each run loads its own maps and programs).</summary>
public sealed class TraceProgram
{
    // Enough to absorb a burst; beyond it the run waits for the consumer, the ring buffer fills and the kernel counts
    // lost events, as bpftrace does when its reader falls behind.
    private const int EventCapacity = 4096;

    private readonly CompiledProgram _program;
    private readonly string _scriptName;

    internal TraceProgram(CompiledProgram program, string scriptName = "stdin")
    {
        _program = program;
        _scriptName = scriptName;
    }

    /// <summary>The probes' names as the newest bpftrace names them: <c>begin</c> and <c>end</c> (however written), <c>kprobe:vfs_read</c>.</summary>
    public IReadOnlyList<string> ProbeNames => _program.Probes.Select(p => p.Probe.Name).ToList();

    /// <summary>
    /// Checks the named arguments given on the command line (their names, without dashes) against those the script's
    /// <c>getopt</c> calls define, as bpftrace does before a run: null when all are known; otherwise the error to print
    /// (empty when only <c>help</c> was given) and, in <paramref name="hint"/>, the list of the script's named arguments
    /// (with their descriptions, one per line, for <c>--help</c>).
    /// </summary>
    public string? CheckNamedArguments(IEnumerable<string> givenNames, out string? hint) =>
        Semantics.NamedArguments.CheckNames(_program.Bound.NamedArguments, givenNames, out hint);

    /// <summary>
    /// This program with only the attach points whose name <paramref name="filter"/> finds (<c>--probe-filter</c>, a
    /// search, not a whole-name match): the others are neither loaded nor attached, and a probe left with none is
    /// dropped. Probes that run in this process (BEGIN, END, <c>self</c>) are kept whatever their name.
    /// </summary>
    public TraceProgram WithProbeFilter(System.Text.RegularExpressions.Regex filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var kept = new List<CompiledProbe>();
        foreach (var probe in _program.Probes)
        {
            if (!probe.Probe.Kind.Filtered)
            {
                kept.Add(probe);
                continue;
            }
            var points = probe.Probe.AttachPoints.Where(spec => filter.IsMatch(spec.ToString())).ToList();
            if (points.Count > 0)
                kept.Add(probe with { Probe = probe.Probe with { AttachPoints = points } });
        }
        return new TraceProgram(_program with { Probes = kept }, _scriptName);
    }

    /// <summary>The probes, as <c>TraceProgram: begin, tracepoint:syscalls:sys_enter_openat</c>.</summary>
    public override string ToString() => $"TraceProgram: {string.Join(", ", ProbeNames)}";

    /// <summary>This program's attach points matching <paramref name="pattern"/>, as <see cref="TraceScript.ListProbes(string?, bool, Action{string}?)"/> lists them.</summary>
    public string ListProbes(string? pattern, bool withArguments, Action<string>? warning = null)
    {
        // As the newest bpftrace, the probes that run in our process (begin, end, self) are not listed: nothing attaches.
        var points = _program.Bound.Probes.SelectMany(p => p.AttachPoints)
            .Where(a => a.Kind.Run is not (ProbeRun.AtStart or ProbeRun.AtExit or ProbeRun.OnSignal))
            .Select(a => a.Kind.Listed(a))
            .Where(point => pattern is null || Wildcard.Matches(pattern, point));
        return ProbeListing.ForThisMachine(debugFiles: _program.Bound.Config.DebugFileLocator()).Format(points, withArguments, warning ?? (_ => { }));
    }

    /// <summary>The typed (bound) tree of every probe, as <c>sharptrace -d types</c> prints it.</summary>
    public string DescribeTypes() => Semantics.BoundTreePrinter.Print(_program.Bound);

    /// <summary>The IR of every probe (or why a probe is not lowered yet), as <c>sharptrace -d ir</c> prints it.</summary>
    public string DescribeIr() => Lowering.IrPrinter.Print(_program.Lowered);

    /// <summary>The eBPF code of every probe as readable assembly, as <c>sharptrace -d bpf</c> prints it.</summary>
    public string Disassemble()
    {
        var text = new StringBuilder();
        foreach (var probe in _program.Probes)
        {
            text.Append(probe.Probe.Name).Append(":\n").Append(Disassembler.Format(probe.Code)).Append('\n');
            if (probe.SyscallCode is { } raw)
                text.Append(Lowering.IrPrinter.RawSyscallHeading).Append('\n').Append(probe.Probe.Name).Append(":\n").Append(Disassembler.Format(raw)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// Runs the program in the calling thread, handing each event to <paramref name="onEvent"/> as it happens: loads
    /// and attaches the probes, runs BEGIN, then handles output until the program calls <c>exit()</c> or
    /// <paramref name="cancellationToken"/> fires. Cancelling is a graceful stop, like Ctrl-C: the probes are detached,
    /// END runs, and its output, the maps printed at exit and an <see cref="ExitEvent"/> still follow. An exception
    /// thrown by <paramref name="onEvent"/> ends the run at once. Whichever way the run ends, every kernel object is
    /// released before this returns. BEGIN and END run in this thread, so their <c>comm</c> and <c>tid</c> are its own.
    /// Kernel failures (a program the verifier rejects, a missing tracepoint) throw <see cref="Kernel.KernelException"/>.
    /// </summary>
    public void Run(Action<TraceEvent> onEvent, CancellationToken cancellationToken = default) =>
        Run(onEvent, new RunOptions(), cancellationToken);

    /// <summary>
    /// As <see cref="Run(Action{TraceEvent}, CancellationToken)"/>, offering the live maps as <paramref name="options"/>
    /// asks: a metrics endpoint (listening before anything is loaded: a port in use throws
    /// <see cref="MetricsEndpointException"/>) and a meter, both gone when the run ends. Invalid metrics labels throw
    /// <see cref="ArgumentException"/>.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "Added with RunOptions before any release: the token stays optional, as in the overload without options.")]
    public void Run(Action<TraceEvent> onEvent, RunOptions options, CancellationToken cancellationToken = default) =>
        Run(onEvent, options, cancellationToken, abandon: CancellationToken.None);

    /// <summary>
    /// Checks the program against this kernel without tracing anything (<c>sharptrace --dry-run</c>): creates every
    /// map and loads every program, as a run does before it attaches, then releases them all. No probe is attached
    /// and BEGIN does not run. Throws what a run would throw for the same program: <see cref="Kernel.BpfLoadException"/>
    /// with the verifier's log for a program the verifier rejects, <see cref="Kernel.KernelException"/> for a map the
    /// kernel refuses, <see cref="Kernel.ProbeUnavailableException"/> for a probe this kernel cannot run (with the located
    /// diagnostic when the reason is at a place in the script, such as <c>kaddr</c> of a symbol it lacks).
    /// </summary>
    public void Verify()
    {
        var output = new EventOutput(_ => { });
        using var session = new Session(_program, output, output.Warning);
        session.Verify();
    }

    // abandon: the consumer of RunAsync has gone; the run ends at once, without END.
    private void Run(Action<TraceEvent> onEvent, RunOptions options, CancellationToken stop, CancellationToken abandon)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CheckMetricsLabels() is { } badLabel)
            throw new ArgumentException(badLabel, nameof(options));
        var live = options.MetricsEndpoint is not null || options.MeterName is not null ? new LiveMaps(_program.Bound) : null;
        var writer = new Output.OpenMetricsWriter(options.ScriptName ?? _scriptName, options.MetricsLabels);
        using var server = options.MetricsEndpoint is { } endpoint
            ? MetricsServer.Start(endpoint, format => writer.Write(live!.Read(), format))
            : null;
        using var meter = options.MeterName is { } meterName ? MapMeter.Create(meterName, TraceScript.Version, live!, writer) : null;
        var output = new EventOutput(onEvent);
        var mode = options.Tests ? SessionMode.Test : options.Benchmarks ? SessionMode.Bench : SessionMode.Trace;
        using var session = new Session(_program, output, output.Warning, () => onEvent(new StartedEvent()), live, mode);
        var exitCode = session.Run(stop, abandon);
        onEvent(new StoppedEvent());
        // Closing hundreds of tracepoint perf events takes the kernel a while; the output is complete before.
        session.Dispose();
        onEvent(new ExitEvent(exitCode));
    }

    /// <summary>
    /// Runs the program on a thread of its own (named like the process, which is what BEGIN and END see as
    /// <c>comm</c>) and streams its events in order; otherwise as <see cref="Run(Action{TraceEvent}, CancellationToken)"/>. Cancelling is a graceful stop: the
    /// stream still delivers END's output, the maps printed at exit and an <see cref="ExitEvent"/>, then ends normally.
    /// Disposing the enumerator early stops the run at once, without END. Either way every kernel object is released
    /// before the enumeration ends.
    /// </summary>
    public IAsyncEnumerable<TraceEvent> RunAsync(CancellationToken cancellationToken = default) =>
        RunAsync(new RunOptions(), cancellationToken);

    /// <summary>As <see cref="RunAsync(CancellationToken)"/>, offering the live maps as <paramref name="options"/> asks (see <see cref="Run(Action{TraceEvent}, RunOptions, CancellationToken)"/>).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "Added with RunOptions before any release: the token stays optional, as in the overload without options.")]
    public async IAsyncEnumerable<TraceEvent> RunAsync(RunOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<TraceEvent>(
            new BoundedChannelOptions(EventCapacity) { SingleReader = true, SingleWriter = true });
        using var abandon = new CancellationTokenSource();
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The run blocks in epoll and in bpf() calls, so it gets a thread of its own; it is the only writer, so the
        // events arrive in the order the run produced them.
        var thread = new Thread(() => RunInto(channel.Writer, options, cancellationToken, abandon.Token, ended))
        {
            Name = ProcessName(),
            IsBackground = true,
        };
        thread.Start();
        try
        {
            // Not cancelled by the caller's token: after cancellation the run still delivers END and the exit maps.
            while (await channel.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var traceEvent))
                    yield return traceEvent;
            }
            await ended.Task.ConfigureAwait(false);
        }
        finally
        {
            // Reached early when the consumer stops enumerating: end the run and wait until it has released everything.
            abandon.Cancel();
            await ended.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void RunInto(ChannelWriter<TraceEvent> events, RunOptions options, CancellationToken stop, CancellationToken abandon, TaskCompletionSource ended)
    {
        Exception? failure = null;
        try
        {
            Run(traceEvent =>
            {
                // Once the consumer has gone, the first event ends the run (the exception unwinds it).
                abandon.ThrowIfCancellationRequested();
                if (!events.TryWrite(traceEvent))
                    events.WriteAsync(traceEvent, abandon).AsTask().GetAwaiter().GetResult();
            }, options, stop, abandon);
        }
        catch (Exception e)
        {
            failure = e;
        }
        events.TryComplete();
        if (failure is null)
            ended.SetResult();
        else
            ended.SetException(failure);
    }

    // The kernel's name for the process (its main thread), at most 15 characters.
    private static string ProcessName()
    {
        try
        {
            return File.ReadAllText("/proc/self/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return "sharptrace";
        }
    }
}
