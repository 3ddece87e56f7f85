using System.Diagnostics;
using System.Globalization;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// An interval's tick while CPU 0 runs another BPF program: the kernel skips a perf event's program on a CPU already in
/// one (its recursion guard), so an interval whose only event is on CPU 0 loses that tick, as bpftrace 0.17's does.
/// Ours fires on every CPU's timer and keeps the first run of each period.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class IntervalTickTests : KernelTest
{
    private const long PeriodNs = 50_000_000;
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private const string Ticks = "interval:ms:50 { printf(\"%llu %d\\n\", nsecs, cpu); }";

    [Fact]
    public async Task AnIntervalKeepsTickingWhileCpuZeroRunsAnotherBpfProgram()
    {
        // Another tracer's long program (a million-step loop) runs at each getpid of a process pinned to CPU 0, and only
        // on CPU 0: a getpid_flood that someone else runs on the other CPU must not block that CPU too.
        using var load = SharpTraceRun.Start(
            ["-e", "tracepoint:syscalls:sys_enter_getpid /comm == \"getpid_flood\" && cpu == 0/ { for ($j : 0..200000) { @spin = $j; } }"]);
        await load.WaitForAttachedAsync(Bound);

        var (reference, window) = await TicksWhileCpuZeroIsBusyAsync(BpftraceRun.Start(["-e", Ticks]));
        var (ours, _) = await TicksWhileCpuZeroIsBusyAsync(SharpTraceRun.Start(["-e", Ticks]));
        load.Interrupt();
        await load.WaitForExitAsync(Bound);

        // The condition loses ticks where the interval's only event is on CPU 0 (bpftrace 0.17)...
        // (a gap of more than a period and a half between two ticks, or fewer ticks than nine tenths of the periods the
        // busy window held: the loss can also be the window's whole end, after the last tick printed).
        var periodsInWindow = window.Ticks * 100 / PeriodNs;
        Assert.True(reference.Count * 10 < periodsInWindow * 9 || reference.Zip(reference.Skip(1)).Any(pair => pair.Second.Nanoseconds - pair.First.Nanoseconds > PeriodNs * 3 / 2),
            $"bpftrace lost no tick in {window.TotalMilliseconds:F0} ms: {string.Join(' ', reference.Select(tick => tick.Nanoseconds))}");
        // ...ours takes them on the other CPU, and fires at most once in each period from its first run to its last:
        // the k-th run is k periods after the first, to the nearest period. The other CPU's own tick is itself skipped
        // now and then, by the kernel, not by the claim: when its timer interrupts a thread of this VM's own agent
        // process (every such tick measured, with and without load), or a process's getpid in the load's program.
        // With CPU 0 busy that is a missing period (3 of 32,090 at 5 ms; by hand at 50 ms 1 of about 480; in the whole
        // kernel suite 2 of 41 once), where bpftrace loses every tick of the window: a few single missing periods are
        // allowed (under a tenth), never a longer gap and never a period twice. docs/reliability.md lists the
        // measurements; tests/repro/interval-missed-tick repeats them.
        Assert.Contains(ours, tick => tick.Cpu != 0);
        Assert.True(ours.Count > 10, $"sharptrace printed {ours.Count} ticks");
        var periods = ours.Select(tick => (long)Math.Round((tick.Nanoseconds - ours[0].Nanoseconds) / (double)PeriodNs)).ToList();
        var steps = periods.Zip(periods.Skip(1), (first, second) => second - first).ToList();
        Assert.True(steps.All(step => step is 1 or 2) && steps.Count(step => step == 2) * 10 < steps.Count,
            $"sharptrace's ticks, in periods after its first: {string.Join(' ', periods)}");
    }

    private sealed record Tick(ulong Nanoseconds, int Cpu);

    /// <summary>The ticks the tool printed, and how long CPU 0 was kept busy (the flood's run).</summary>
    private static async Task<(IReadOnlyList<Tick> Ticks, TimeSpan Window)> TicksWhileCpuZeroIsBusyAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            var busy = Stopwatch.StartNew();
            var flood = Process.Start("taskset", ["-c", "0", "timeout", "2", TestPrograms.PathOf("getpid_flood"), "1000000000"])!;
            await flood.WaitForExitAsync().WaitAsync(Bound);
            var window = busy.Elapsed;
            tool.Interrupt();
            var result = await tool.WaitForExitAsync(Bound);
            Assert.Equal(0, result.ExitCode);
            var ticks = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .Where(parts => parts.Length == 2 && char.IsAsciiDigit(parts[0][0]))
                .Select(parts => new Tick(ulong.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)))
                .ToList();
            return (ticks, window);
        }
    }
}
