using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Probes;
using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Runtime;

/// <summary>
/// One run of a compiled program: maps created, programs loaded and attached, BEGIN run, events read until
/// exit() or cancellation, then END run and the maps printed. Everything is released when the run ends,
/// whichever way it ends.
/// </summary>
internal sealed partial class Session : IDisposable
{
    private const int PollMilliseconds = 50;

    // Records handled between two looks at whether the run should stop: a flood never empties the ring buffer.
    private const int DrainBatch = 4096;

    private readonly CompiledProgram _program;
    // Swapped for a capture while a test or benchmark runs.
    private IOutputWriter _output;
    private readonly SessionMode _mode;
    private readonly Action<string> _warning;
    private readonly Action _started;
    private readonly List<IDisposable> _owned = [];
    private readonly List<IProbeAttachment> _attachments = [];
    private readonly Dictionary<MapRefKey, int> _mapFds = [];
    private readonly List<MapReader> _readers = [];
    private readonly DecodingContext _decoding;
    private readonly List<(CompiledProbe Probe, BpfProgram Program)> _loaded = [];
    private SyscallDispatch.Support? _syscalls;
    // Attach points missing_probes lets the run go without (warn, ignore): they are not attached, and a probe with
    // nothing else is not loaded.
    private readonly HashSet<ProbeSpec> _skipped = [];
    private RingBuffer? _ringBuffer;
    private BpfMap? _lostEvents;
    private BpfMap? _startTime;
    private DroppedUpdates? _droppedUpdates;
    private readonly IRecordHandler[] _handlers;
    private bool _exitRequested;
    private int _exitCode;
    private bool _discardingAfterExit;
    private readonly LiveMaps? _live;
    private bool _unflushed;
    // The run's stop and abandon requests, checked between the steps of a start that can take seconds.
    private CancellationToken _stop;
    private CancellationToken _abandon;
    // Set by the SIGUSR1 handler (another thread), taken by the run loop, which runs the self:signal probes.
    private int _signalled;

    /// <summary>A session that prints to <paramref name="output"/> and reports problems that do not stop it to <paramref name="warning"/>.</summary>
    /// <paramref name="started"/> is called once every probe is attached and BEGIN ran, unless BEGIN already asked to exit or the run was stopped first.
    /// <paramref name="live"/>, when given, is handed each map as it is created, for readers on other threads (metrics).
    /// <paramref name="mode"/> says whether the run traces, or runs the test or bench probes.
    public Session(CompiledProgram program, IOutputWriter output, Action<string>? warning = null, Action? started = null, LiveMaps? live = null,
        SessionMode mode = SessionMode.Trace)
    {
        _mode = mode;
        _live = live;
        _program = program;
        _output = output;
        _warning = warning ?? (_ => { });
        _started = started ?? (() => { });
        var config = program.Bound.Config;
        _decoding = DecodingContext.For(config, new Symbolizer(debugFiles: config.DebugFileLocator())
        {
            DemangleCpp = config.CppDemangle, ShowDebugInfo = config.ShowDebugInfo, DemangleRust = config.RustDemangle,
        });
        // After the symbolizer: a handler may hand it names when it is created (UserFunctionNameAction).
        _handlers = CreateRecordHandlers();
    }

    /// <summary>
    /// Runs the program until it calls exit() or <paramref name="cancellation"/> fires, then stops the probes, runs END
    /// and prints the maps. Returns the exit code. Disposing releases the probes and maps, which can take a while.
    /// <paramref name="abandon"/> ends the run without END: it throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public int Run(CancellationToken cancellation, CancellationToken abandon = default)
    {
        _stop = cancellation;
        _abandon = abandon;
        try
        {
            CheckAndLoad();
            using var signal = ListenForSignal();
            StartClock();
            // BEGIN runs before the other probes are attached (bpftrace's reference says so), so their records can never
            // come before its own, nor an exit() of theirs discard its output. Its records are handled once the probes
            // are attached, after the "attached" event, as bpftrace prints them.
            RunBeginProbes();
            if (_mode != SessionMode.Trace)
                return RunSelfRunProbes();
            Attach();
            _ringBuffer!.Drain(HandleRecord);
            if (!_exitRequested && !StopRequested)
                _started();
            var iterated = !_exitRequested && !StopRequested && RunIterators();
            // A program of begin and end probes only has nothing to wait for: it ends once BEGIN's output is handled,
            // as the newest bpftrace does (0.17 waits for Ctrl-C); with -c or -p it waits for that process.
            var config = _program.Bound.Config;
            var waits = !iterated && _loaded.Any(p => p.Probe.Probe.Kind.Run is ProbeRun.Attached or ProbeRun.OnSignal) || config.ChildPid is not null || config.TargetPid is not null;
            while (waits && !_exitRequested && !cancellation.IsCancellationRequested && !abandon.IsCancellationRequested)
            {
                // Output is flushed in batches: whenever the reader has caught up with the kernel, never per record.
                if (_ringBuffer!.Drain(HandleRecord, DrainBatch) == 0)
                {
                    if (_unflushed)
                        _output.Flush();
                    _unflushed = false;
                    _ringBuffer.Wait(PollMilliseconds);
                }
                _droppedUpdates?.CheckPeriodically();
                if (Interlocked.Exchange(ref _signalled, 0) == 1)
                    RunSignalProbes();
            }
            abandon.ThrowIfCancellationRequested();
            // Probes stop at once; releasing them can take the kernel a grace period per tracepoint, so it
            // comes after the maps are printed, when the session is disposed.
            StopProbes();
            _ringBuffer!.Drain(HandleRecord);
            RunEndProbes();
            ReportLostEvents();
            _droppedUpdates?.ReportAtExit();
            if (_program.Bound.Config.PrintMapsOnExit)
                _output.MapsAtExit(_readers.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Read()).Where(m => m.Entries.Count > 0).ToList());
            return _exitCode;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Test and bench mode: BEGIN's output, the tests or benchmarks, then END; nothing attached, no map printed.</summary>
    private int RunSelfRunProbes()
    {
        _ringBuffer!.Drain(HandleRecord);
        if (_mode == SessionMode.Test)
            RunTests();
        else
            RunBenchmarks();
        var exitCode = _exitCode;
        RunEndProbes();
        ReportLostEvents();
        return exitCode;
    }

    private void CreateMaps()
    {
        foreach (var definition in _program.Maps.All)
        {
            int fd;
            if (definition.Type == BpfMapType.RingBuf)
            {
                _ringBuffer = Own(RingBuffer.Create(definition.MaxEntries));
                fd = _ringBuffer.Map.Fd;
            }
            else
            {
                var map = Own(BpfMap.Create(definition.Type, definition.KeySize, definition.ValueSize, definition.MaxEntries, definition.Ref.Name,
                    definition.Flags));
                fd = map.Fd;
                if (definition.Symbol is not null)
                {
                    _readers.Add(new MapReader(definition, map, _decoding));
                    _live?.Add(definition, map);
                }
                if (definition.Type == BpfMapType.StackTrace)
                {
                    var buildId = (definition.Flags & Lowering.ProgramMaps.StackBuildIdFlag) != 0;
                    var depth = definition.ValueSize / (buildId ? Lowering.ProgramMaps.BuildIdFrameSize : 8);
                    _decoding.Symbols.AddStackMap(depth, map, buildId);
                    _live?.AddStackMap(depth, map, buildId);
                }
                if (definition.Ref == _program.Maps.LostEvents)
                    _lostEvents = map;
                if (definition.Ref == _program.Maps.StartTimeIfUsed)
                    _startTime = map;
                if (definition.Ref == _program.Maps.DroppedUpdates)
                    _droppedUpdates = new DroppedUpdates(map, _program.Maps.All.Where(d => d.Symbol is not null).ToList(), _warning);
            }
            _mapFds[new MapRefKey(definition.Ref)] = fd;
        }
    }

    /// <summary>True once the run was asked to stop (Ctrl-C) or abandoned.</summary>
    private bool StopRequested => _stop.IsCancellationRequested || _abandon.IsCancellationRequested;

    /// <summary>
    /// Loads every probe's program: a probe on <c>syscalls</c> tracepoints, in a program with enough of them, as its raw
    /// syscall tracepoint variant where this machine allows it (<see cref="SyscallDispatch"/>), so that no perf event
    /// has to be released at exit.
    /// BEGIN and END are loaded first: a stop asked for while the other programs load (hundreds of them take seconds)
    /// leaves those out, and the run still runs BEGIN and END and prints the maps, as bpftrace's does.
    /// </summary>
    private void LoadPrograms()
    {
        _syscalls = SyscallDispatch.Support.Find(_program.Probes.Where(p => p.SyscallCode is not null).Sum(p => p.Probe.AttachPoints.Count));
        foreach (var probe in _program.Probes.OrderBy(p => p.Probe.Kind.Run == ProbeRun.Attached ? 1 : 0))
        {
            if (probe.Probe.AttachPoints.Count > 0 && probe.Probe.AttachPoints.All(_skipped.Contains) || !RunsInThisMode(probe.Probe.Kind.Run))
                continue;
            if (probe.Probe.Kind.Run == ProbeRun.Attached && StopRequested)
                break;
            var (type, code) = probe.SyscallCode is { } raw && _syscalls?.Serves(probe.Probe.AttachPoints) == true
                ? (BpfProgramType.RawTracepoint, raw)
                : (probe.ProgramType, probe.Code);
            var instructions = code.Link(r => _mapFds[new MapRefKey(r)]);
            var program = Own(ProbeAttacher.Load(type, instructions, probe.Probe.Name, probe.Probe.AttachPoints, _program.Bound.Config.License, FunctionInfo(probe, code)));
            _loaded.Add((probe, program));
        }
    }

    /// <summary>Programs with callback subprograms (clear() of a keyed map) must describe their functions in BTF.</summary>
    private BtfFuncInfo? FunctionInfo(CompiledProbe probe, AssembledProgram code)
    {
        if (code.Subprograms.Count == 0)
            return null;
        var btf = ProgramBtf.Create(code, probe.Probe.Name);
        return new BtfFuncInfo(Own(BpfBtf.Load(btf.Btf)), btf.Records);
    }

    /// <summary>The start of the run for <c>elapsed</c>: now, just before the probes are attached, as bpftrace does.</summary>
    private void StartClock() =>
        _startTime?.Update(new byte[4], BitConverter.GetBytes(Native.ClockNanoseconds(Native.ClockMonotonic)));

    private void Attach()
    {
        Tracefs? tracefs = null;
        var points = new List<(ProbeSpec, BpfProgram)>();
        var counted = new List<(BoundProbe Probe, ProbeSpec Spec)>();
        foreach (var (probe, program) in _loaded)
        {
            foreach (var spec in probe.Probe.AttachPoints.Where(s => !_skipped.Contains(s)))
            {
                counted.Add((probe.Probe, spec));
                if (spec.Kind.Run == ProbeRun.Attached)
                    points.Add((spec, program));
            }
        }
        var failed = new HashSet<string>(StringComparer.Ordinal);
        // A stop asked for part way leaves the rest unattached; the attached line would then miscount, so it is left out.
        var complete = ProbeAttacher.AttachAll(points, () => tracefs ??= Tracefs.Open(), _syscalls, _attachments.Add, () => StopRequested,
            (name, failure) =>
            {
                if (!SkipsMissingProbe(name, failure))
                    return false;
                failed.Add(name);
                return true;
            });
        if (complete)
            _output.AttachedProbes(AttachedCount(counted.Where(c => !failed.Contains(c.Spec.ToString()))));
    }

    /// <summary>
    /// The probes <c>Attached N probes</c> counts: each attach point, except that points of one script probe with the
    /// same <see cref="ProbeKind.AttachedCountKey"/> count once (a usdt probe's locations, even when they were given a
    /// program each: the probes split from one script probe share its span).
    /// </summary>
    private static int AttachedCount(IEnumerable<(BoundProbe Probe, ProbeSpec Spec)> points)
    {
        var count = 0;
        var seen = new HashSet<(TextSpan, string)>();
        foreach (var (probe, spec) in points)
            if (spec.Kind.AttachedCountKey(spec) is not { } key || seen.Add((probe.Span, $"{spec.Kind.Name}:{key}")))
                count++;
        return count;
    }

    /// <summary>
    /// iter probes, once attached: each iterator is read to its end and its text printed a line at a time, or pinned
    /// in bpffs (bpftrace's message says where); then the run ends, as bpftrace's does. False without iter probes.
    /// </summary>
    private bool RunIterators()
    {
        var iterators = _attachments.OfType<IteratorLink>().ToList();
        foreach (var iterator in iterators)
        {
            if (iterator.PinPath.Length > 0)
            {
                _output.Printf($"Program pinned to {iterator.Pin(iterator.PinPath)}\n");
                continue;
            }
            var pending = new System.Text.StringBuilder();
            iterator.Read(text =>
            {
                pending.Append(text);
                var end = pending.ToString().LastIndexOf('\n');
                if (end < 0)
                    return;
                foreach (var line in pending.ToString(0, end + 1).Split('\n')[..^1])
                    _output.Printf(line + "\n");
                pending.Remove(0, end + 1);
            });
            if (pending.Length > 0)
                _output.Printf(pending.ToString());
        }
        if (iterators.Count > 0)
            _ringBuffer!.Drain(HandleRecord);
        return iterators.Count > 0;
    }

    private void StopProbes() => ConcurrentRelease.Run(_attachments, a => a.Stop());

    private void Detach()
    {
        ConcurrentRelease.Run(_attachments, a => a.Dispose());
        _attachments.Clear();
    }

    private void RunBeginProbes()
    {
        foreach (var (_, program) in _loaded.Where(p => p.Probe.Probe.Kind.Run == ProbeRun.AtStart))
            program.TestRun(new byte[8]);
    }

    /// <summary>
    /// With <c>self:signal:SIGUSR1</c> probes, SIGUSR1 no longer ends the process: it asks the run loop to run them.
    /// Null (nothing to release) without such probes.
    /// </summary>
    private PosixSignalRegistration? ListenForSignal()
    {
        if (!_loaded.Any(p => p.Probe.Probe.Kind.Run == ProbeRun.OnSignal))
            return null;
        return PosixSignalRegistration.Create((PosixSignal)SelfProbe.Signals["SIGUSR1"], context =>
        {
            context.Cancel = true;
            Interlocked.Exchange(ref _signalled, 1);
        });
    }

    /// <summary>The <c>self:signal</c> probes run in this process, in the order declared, and their output is handled at once.</summary>
    private void RunSignalProbes()
    {
        foreach (var (_, program) in _loaded.Where(p => p.Probe.Probe.Kind.Run == ProbeRun.OnSignal))
            program.TestRun(new byte[8]);
        _ringBuffer!.Drain(HandleRecord);
    }

    /// <summary>END runs in this process through BPF_PROG_TEST_RUN, then its output is handled at once.</summary>
    private void RunEndProbes()
    {
        foreach (var (_, program) in _loaded.Where(p => p.Probe.Probe.Kind.Run == ProbeRun.AtExit))
        {
            // END runs after exit(): its own output is printed.
            _discardingAfterExit = false;
            program.TestRun(new byte[8]);
            _ringBuffer!.Drain(HandleRecord);
        }
    }

    private void ReportLostEvents()
    {
        if (_lostEvents is null)
            return;
        var value = new byte[8 * BpfMap.PossibleCpuCount];
        if (!_lostEvents.Lookup(new byte[4], value))
            return;
        ulong lost = 0;
        for (var i = 0; i < value.Length; i += 8)
            lost += BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(i));
        if (lost > 0)
            _output.LostEvents(lost);
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        // A metrics scrape in progress ends before the maps close; later ones see no maps.
        _live?.Close();
        Detach();
        for (var i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _owned.Clear();
    }

    /// <summary>Map references compare by identity, whatever equality the assembler gives them.</summary>
    private readonly record struct MapRefKey(object Ref)
    {
        public bool Equals(MapRefKey other) => ReferenceEquals(Ref, other.Ref);
        public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Ref);
    }
}
