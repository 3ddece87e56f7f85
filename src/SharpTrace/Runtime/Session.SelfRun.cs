using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>What a run does with <c>test:</c> and <c>bench:</c> probes, as the newest bpftrace does it.</summary>
internal enum SessionMode
{
    /// <summary>Attach the probes and trace; test and bench probes are ignored.</summary>
    Trace,
    /// <summary>Run the test probes once each (<c>--test</c>).</summary>
    Test,
    /// <summary>Time the bench probes (<c>--bench</c>).</summary>
    Bench,
}

internal sealed partial class Session
{
    // The packet an XDP program is run with: BPF_PROG_TEST_RUN wants at least an Ethernet header (ETH_HLEN).
    private static readonly byte[] Packet = new byte[14];

    /// <summary>Whether this run loads the probe: test and bench probes only in their mode.</summary>
    private bool RunsInThisMode(ProbeRun run) => run switch
    {
        ProbeRun.Test => _mode == SessionMode.Test,
        ProbeRun.Bench => _mode == SessionMode.Bench,
        _ => true,
    };

    /// <summary>
    /// Each test runs once, its output captured and shown only when it failed: it passes when it neither returns
    /// non-zero nor calls <c>exit()</c> with a code. The run's exit code is 1 when one failed.
    /// </summary>
    private void RunTests()
    {
        var tests = _loaded.Where(p => p.Probe.Probe.Kind.Run == ProbeRun.Test).ToList();
        var names = tests.Select(t => t.Probe.Probe.AttachPoints[0].Target).ToList();
        var passed = new List<bool>();
        foreach (var (_, program) in tests)
        {
            var captured = new StringWriter();
            var (retval, nanoseconds) = RunCaptured(new TextOutputWriter(captured), () => program.TestRunRepeated(Packet, 1));
            passed.Add(retval == 0 && _exitCode == 0);
            _output.TestResult(new TestResult(names, passed.Count - 1, nanoseconds, passed.ToList(), captured.ToString()));
            ResetExit();
        }
        _exitCode = passed.All(p => p) ? 0 : 1;
    }

    /// <summary>
    /// Each benchmark runs in the kernel, its output discarded, ten, a hundred… times more often until one batch takes
    /// a millisecond, as bpftrace's bench mode; its average time per run is reported. A benchmark that calls
    /// <c>exit()</c> with a code fails the run, one that returns non-zero is skipped.
    /// </summary>
    private void RunBenchmarks()
    {
        var benchmarks = _loaded.Where(p => p.Probe.Probe.Kind.Run == ProbeRun.Bench).ToList();
        var names = benchmarks.Select(b => b.Probe.Probe.AttachPoints[0].Target).ToList();
        var failed = false;
        for (var index = 0; index < benchmarks.Count; index++)
        {
            var program = benchmarks[index].Program;
            for (var iterations = 1UL; ; )
            {
                var repeat = (uint)Math.Min(iterations, uint.MaxValue);
                var (retval, nanoseconds) = RunCaptured(new TextOutputWriter(TextWriter.Null), () => program.TestRunRepeated(Packet, repeat));
                if (_exitCode != 0)
                {
                    _warning($"Benchmark '{names[index]}' failed.");
                    failed = true;
                    break;
                }
                if (retval != 0)
                    break;
                var total = (ulong)nanoseconds * iterations;
                var factor = total < 1_000 ? 1000UL : total < 10_000 ? 100UL : total < 100_000 ? 10UL : total < 1_000_000 ? 2UL : 0UL;
                if (factor == 0)
                {
                    _output.BenchmarkResult(new BenchmarkResult(names, index, nanoseconds, iterations));
                    break;
                }
                iterations *= factor;
            }
            ResetExit();
        }
        _exitCode = failed ? 1 : 0;
    }

    // Runs a program with the records it sends going to `capture` instead of the run's output.
    private T RunCaptured<T>(IOutputWriter capture, Func<T> run)
    {
        var output = _output;
        _output = capture;
        try
        {
            var result = run();
            _ringBuffer!.Drain(HandleRecord);
            return result;
        }
        finally
        {
            _output = output;
        }
    }

    private void ResetExit()
    {
        _exitCode = 0;
        _exitRequested = false;
        _discardingAfterExit = false;
    }
}
