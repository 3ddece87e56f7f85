using System.Diagnostics.Metrics;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Metrics;

/// <summary>
/// <see cref="RunOptions.MeterName"/>: the live maps as System.Diagnostics.Metrics instruments, read by a
/// <see cref="MeterListener"/> (what an OpenTelemetry exporter uses) while the run goes on.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class MapMeterTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private sealed record Observed(string Instrument, long Value, IReadOnlyDictionary<string, string> Tags);

    [Fact]
    public async Task AListenerReadsTheMapsAsTheyAreWithTheirKeysAsTags()
    {
        var prefix = $"/tmp/st-meter-{Guid.NewGuid():N}";
        var meterName = $"SharpTrace.Test.{Guid.NewGuid():N}";
        var compiled = TraceScript.Compile(MetricsEndpointTests.LifecycleScript(prefix));
        Assert.True(compiled.Success, string.Concat(compiled.Diagnostics.Select(d => d.Format())));

        var observed = new List<Observed>();
        var completed = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == meterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.MeasurementsCompleted = (instrument, _) => { lock (completed) completed.Add(instrument.Name); };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (observed)
                observed.Add(new Observed(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString() ?? "")));
        });
        listener.Start();

        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new RunOptions { MeterName = meterName, MetricsLabels = [new("host", "web-1")] };
        var run = Task.Run(async () =>
        {
            await foreach (var traceEvent in compiled.Program!.RunAsync(options, stop.Token))
                if (traceEvent is StartedEvent)
                    started.TrySetResult();
        });
        await started.Task.WaitAsync(Bound);

        for (var i = 0; i < 3; i++)
            await TestPrograms.RunAsync("opener", prefix + "-open");
        var collected = await CollectUntilAsync(listener, observed, o => o.Any(x => x.Instrument == "sharptrace_sizes_count" && x.Value == 3));
        Assert.Contains(new Observed("sharptrace_opens", 3, new Dictionary<string, string> { ["host"] = "web-1", ["key"] = "opener" }), collected, ObservedComparer.Instance);
        Assert.Contains(new Observed("sharptrace_recent", 3, new Dictionary<string, string> { ["host"] = "web-1", ["key"] = "opener" }), collected, ObservedComparer.Instance);
        Assert.Equal(
            [("-1.0", 0L), ("0.0", 1L), ("1.0", 2L), ("3.0", 3L), ("+Inf", 3L)],
            collected.Where(o => o.Instrument == "sharptrace_sizes_bucket").Select(o => (o.Tags["le"], o.Value)).ToList());
        Assert.Contains(collected, o => o.Instrument == "sharptrace_n" && o.Value == 3);
        Assert.Contains(collected, o => o.Instrument == "sharptrace_recent_scalar" && o.Value == 3);

        await TestPrograms.RunAsync("opener", prefix + "-clear");
        collected = await CollectUntilAsync(listener, observed, o => o.Any(x => x.Instrument == "sharptrace_zeroed" && x.Value == 0));
        Assert.DoesNotContain(collected, o => o.Instrument is "sharptrace_recent" or "sharptrace_recent_scalar");
        Assert.Contains(collected, o => o.Instrument == "sharptrace_opens" && o.Value == 3);

        await stop.CancelAsync();
        await run.WaitAsync(Bound);
        // The meter ends with the run.
        lock (completed)
            Assert.Contains("sharptrace_opens", completed);
    }

    private static async Task<List<Observed>> CollectUntilAsync(MeterListener listener, List<Observed> observed, Func<List<Observed>, bool> done)
    {
        var deadline = DateTime.UtcNow + Bound;
        List<Observed> collection = [];
        while (DateTime.UtcNow < deadline)
        {
            lock (observed)
                observed.Clear();
            listener.RecordObservableInstruments();
            lock (observed)
                collection = [.. observed];
            if (done(collection))
                return collection;
            await Task.Delay(100);
        }
        throw new TimeoutException("the meter never showed what the test waited for; last collection:\n" +
            string.Join('\n', collection.Select(o => $"{o.Instrument} {o.Value} {string.Join(',', o.Tags)}")));
    }

    private sealed class ObservedComparer : IEqualityComparer<Observed>
    {
        public static readonly ObservedComparer Instance = new();

        public bool Equals(Observed? x, Observed? y) =>
            x is not null && y is not null && x.Instrument == y.Instrument && x.Value == y.Value
            && x.Tags.Count == y.Tags.Count && x.Tags.All(t => y.Tags.TryGetValue(t.Key, out var v) && v == t.Value);

        public int GetHashCode(Observed obj) => HashCode.Combine(obj.Instrument, obj.Value);
    }
}
